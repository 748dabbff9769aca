import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { callAws, isAlreadyExists, unlessNotFound, upstream } from './aws-errors.js';
import { grantKey, grantPolicyName, grantPolicyPath, isoSeconds } from './grant-names.js';
import type { PolicyDocument } from './policy-document.js';

/** What identifies one grant's customer-managed policy. */
export interface GrantPolicyRef {
  grantId: string;
  requestId: string;
  toolName: string;
  expiresAt: number;
}

/** The ARN of the grant's policy, if it exists (found by its per-grant path, so one call suffices). */
export async function findGrantPolicy(iam: IAMClient, grantId: string): Promise<string | undefined> {
  const path = grantPolicyPath(grantId);
  let marker: string | undefined;
  do {
    const page = await callAws('list the grant policies', () => iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: path, Marker: marker })));
    const hit = (page.Policies ?? []).find((policy) => policy.Path === path && policy.Arn);
    if (hit?.Arn) return hit.Arn;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return undefined;
}

/** Creates the grant's policy, tagged with the grant id; returns its ARN (an existing one when created before). */
export async function createGrantPolicy(iam: IAMClient, ref: GrantPolicyRef, document: PolicyDocument): Promise<{ arn: string; created: boolean }> {
  const existing = await findGrantPolicy(iam, ref.grantId);
  if (existing) return { arn: existing, created: false };
  try {
    const out = await iam.send(
      new CreatePolicyCommand({
        PolicyName: grantPolicyName(ref.toolName, ref.grantId),
        Path: grantPolicyPath(ref.grantId),
        PolicyDocument: JSON.stringify(document),
        Description: `Kubiya JIT grant ${grantKey(ref.grantId)} for ${ref.toolName}, until ${isoSeconds(ref.expiresAt)}`.slice(0, 1000),
        Tags: [
          { Key: 'kubiya-jit:grant-id', Value: grantKey(ref.grantId) },
          { Key: 'kubiya-jit:request-id', Value: grantKey(ref.requestId) },
          { Key: 'kubiya-jit:expires-at', Value: isoSeconds(ref.expiresAt) },
        ],
      }),
    );
    if (!out.Policy?.Arn) throw new Error('CreatePolicy returned no ARN');
    return { arn: out.Policy.Arn, created: true };
  } catch (err) {
    // A concurrent grant of the same id created it first: use that one.
    if (isAlreadyExists(err)) {
      const arn = await findGrantPolicy(iam, ref.grantId);
      if (arn) return { arn, created: false };
    }
    throw upstream(`create the IAM policy for ${ref.toolName}`, err);
  }
}

/**
 * Detaches the policy from every user, group and role, deletes its non-default versions, then deletes it.
 * IAM refuses to delete an attached policy or one with extra versions, so the order matters. Gone is success.
 */
export async function deleteGrantPolicy(iam: IAMClient, arn: string): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await unlessNotFound('list where the grant policy is attached', () => iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, Marker: marker })));
    if (!page) return;
    for (const user of page.PolicyUsers ?? []) {
      await unlessNotFound('detach the grant policy', () => iam.send(new DetachUserPolicyCommand({ UserName: user.UserName, PolicyArn: arn })));
    }
    for (const group of page.PolicyGroups ?? []) {
      await unlessNotFound('detach the grant policy', () => iam.send(new DetachGroupPolicyCommand({ GroupName: group.GroupName, PolicyArn: arn })));
    }
    for (const role of page.PolicyRoles ?? []) {
      await unlessNotFound('detach the grant policy', () => iam.send(new DetachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: arn })));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const versions = await unlessNotFound('list the grant policy versions', () => iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })));
  for (const version of versions?.Versions ?? []) {
    if (version.IsDefaultVersion || !version.VersionId) continue;
    await unlessNotFound('delete a grant policy version', () => iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: version.VersionId })));
  }
  await unlessNotFound('delete the grant policy', () => iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
}
