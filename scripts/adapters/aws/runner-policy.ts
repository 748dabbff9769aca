import type { Json } from '../../core/types.js';
import type { AwsSettings } from './aws-settings.js';
import type { PolicyDocument, PolicyStatement } from './policy-document.js';

/** One configured AWS entry, as the catalog holds it: its provider and settings. */
export interface RunnerPolicyEntry {
  provider: string;
  settings: Record<string, Json>;
}

const GRANT_POLICIES = 'arn:aws:iam::*:policy/kubiya-jit/*';
const OLD_HOLDS = 'arn:aws:iam::*:instance-profile/kubiya-jit/*';

/**
 * The least-privilege IAM policy for the runner, generated from the configuration: every call the AWS
 * adapters make for the configured entries, limited to the configured roles (their ARNs), the configured
 * managed policies (`iam:PolicyARN` conditions and resource ARNs), the package's own per-grant policies
 * (`/kubiya-jit/` path) and the Identity Center accounts; nothing for a kind of entry the config does not use.
 * Calls that AWS cannot limit by resource (List*, Identity Center reads) are on `*`.
 */
export function renderRunnerPolicy(settings: Pick<AwsSettings, 'roleTrust'>, entries: readonly RunnerPolicyEntry[]): PolicyDocument {
  const of = (...providers: string[]) => entries.filter((e) => providers.includes(e.provider));
  const managed = unique(of('aws-iam-policy').flatMap((e) => [`arn:aws:iam::${String(e.settings.aws_account_id)}:policy/${String(e.settings.policy_name)}`, `arn:aws:iam::aws:policy/${String(e.settings.policy_name)}`]));
  const perGrant = of('aws-iam-dynamic', 'aws-s3').length > 0;
  const roles = unique([
    ...settings.roleTrust.map((r) => `arn:aws:iam::${r.accountId ?? '*'}:role/${r.roleName}`),
    ...of('aws-role-trust').map((e) => `arn:aws:iam::${typeof e.settings.account_id === 'string' ? e.settings.account_id : '*'}:role/${String(e.settings.role_name)}`),
  ]);
  const sso = of('aws-identity-center');
  const statements: PolicyStatement[] = [];
  const add = (Sid: string, Action: string[], Resource: string | string[], Condition?: PolicyStatement['Condition']) =>
    statements.push({ Sid, Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });

  if (managed.length || perGrant || roles.length) add('ReadRequesters', ['iam:GetUser', 'iam:ListAttachedUserPolicies'], 'arn:aws:iam::*:user/*');
  if (managed.length || perGrant || sso.length) add('ListForInventory', ['iam:ListInstanceProfiles', 'iam:ListPolicies'], '*');
  const attachable = [...managed, ...(perGrant ? [GRANT_POLICIES] : [])];
  if (attachable.length) {
    add('AttachOnlyConfiguredAndGrantPolicies', ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'], 'arn:aws:iam::*:user/*', { ArnLike: { 'iam:PolicyARN': attachable } });
  }
  if (managed.length) add('ReadConfiguredPolicies', ['iam:GetPolicy', 'iam:ListEntitiesForPolicy'], managed);
  if (perGrant) {
    add('ManageGrantPolicies', ['iam:CreatePolicy', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:ListEntitiesForPolicy', 'iam:ListPolicyVersions', 'iam:TagPolicy'], GRANT_POLICIES);
    add('DetachGrantPoliciesOnly', ['iam:DetachGroupPolicy', 'iam:DetachRolePolicy'], ['arn:aws:iam::*:group/*', 'arn:aws:iam::*:role/*'], { ArnLike: { 'iam:PolicyARN': GRANT_POLICIES } });
  }
  if (managed.length || sso.length) add('RemoveOldHolds', ['iam:DeleteInstanceProfile'], OLD_HOLDS);
  if (roles.length) add('ConfiguredRolesOnly', ['iam:DeleteRolePolicy', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'], roles);
  if (sso.length) {
    add(
      'IdentityCenterReads',
      [
        'sso:DescribeAccountAssignmentCreationStatus',
        'sso:DescribeAccountAssignmentDeletionStatus',
        'sso:DescribePermissionSet',
        'sso:ListAccountAssignments',
        'sso:ListInstances',
        'sso:ListPermissionSets',
      ],
      '*',
    );
    add('IdentityStoreLookup', ['identitystore:GetUserId'], '*');
    const accounts = unique(sso.map((e) => `arn:aws:sso:::account/${String(e.settings.account_id)}`));
    add('AssignInConfiguredAccountsOnly', ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'], ['arn:aws:sso:::instance/*', 'arn:aws:sso:::permissionSet/*/*', ...accounts]);
    if (sso.some((e) => e.settings.long_sessions === 'cap')) {
      add('CapSessionDurations', ['sso:DescribePermissionSetProvisioningStatus', 'sso:ProvisionPermissionSet', 'sso:UpdatePermissionSet'], ['arn:aws:sso:::instance/*', 'arn:aws:sso:::permissionSet/*/*', 'arn:aws:sso:::account/*']);
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

function unique(items: string[]): string[] {
  return [...new Set(items)].sort();
}
