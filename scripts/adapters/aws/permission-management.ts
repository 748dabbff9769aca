/**
 * Actions that change who may do what: with one of them, a grant could give its holder (or anyone) access
 * that no expiry removes. The built-in templates deny them; a config template that allows one is refused
 * unless its entry says it is intended.
 */

/** S3 actions that change a bucket's or object's permissions, on the bucket and object ARNs. */
export const S3_PERMISSION_ACTIONS = [
  's3:DeleteBucketOwnershipControls',
  's3:DeleteBucketPolicy',
  's3:DeleteBucketPublicAccessBlock',
  's3:PutBucketAcl',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
];

/** Account-level and access-point S3 actions that open a bucket through another door. */
export const S3_ACCESS_POINT_ACTIONS = [
  's3:CreateAccessPoint',
  's3:DeleteAccessPointPolicy',
  's3:PutAccessPointPolicy',
  's3:PutAccessPointPolicyForObjectLambda',
  's3:PutAccessPointPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  's3:PutMultiRegionAccessPointPolicy',
];

/** IAM writes that change an identity's permissions or mint credentials for it. */
export const IAM_WRITE_ACTIONS = [
  'iam:AddRoleToInstanceProfile',
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PassRole',
  'iam:PutGroupPolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
];

/** STS calls that mint sessions living on their own, past the grant that allowed them. */
export const STS_SESSION_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:GetFederationToken'];

/** Resource policies of other services, which can admit anyone (including the grantee's other identities). */
export const RESOURCE_POLICY_ACTIONS = [
  'ecr:SetRepositoryPolicy',
  'kms:CreateGrant',
  'kms:PutKeyPolicy',
  'lambda:AddPermission',
  'secretsmanager:PutResourcePolicy',
  'sns:AddPermission',
  'sns:SetTopicAttributes',
  'sqs:AddPermission',
  'sqs:SetQueueAttributes',
];

/** Every action a config template may not allow without saying so. */
export const PERMISSION_MANAGEMENT_ACTIONS = [...S3_PERMISSION_ACTIONS, ...S3_ACCESS_POINT_ACTIONS, ...IAM_WRITE_ACTIONS, ...STS_SESSION_ACTIONS, ...RESOURCE_POLICY_ACTIONS];

/** Whether an IAM action pattern (`s3:*`, `iam:Put*`, `*`, `s3:PutBucket?cl`) covers `action`, as IAM matches them (case-insensitive). */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/** The permission-management actions that `patterns` allow, first match per action. */
export function permissionManagementAllowed(patterns: readonly string[]): { pattern: string; action: string }[] {
  const hits: { pattern: string; action: string }[] = [];
  for (const action of PERMISSION_MANAGEMENT_ACTIONS) {
    const pattern = patterns.find((p) => actionCovers(p, action));
    if (pattern) hits.push({ pattern, action });
  }
  return hits;
}
