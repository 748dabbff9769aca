/**
 * IAM's size limits on what the role-trust provider writes to a role, checked before writing: a document over
 * them is refused by AWS (a trust policy) or could not take the next grantee's session deny (inline policies),
 * so the grant is refused while nothing has been written yet.
 */
import { GetRolePolicyCommand, ListRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GrantRefusedError, UpstreamError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import { callAws } from './aws-errors.js';
import { policySize, type PolicyDocument } from './policy-document.js';
import { denyStatement, isPackageTrustSid, mergeDeny, SESSION_DENY_POLICY, statementsOf } from './role-trust-documents.js';

/** IAM's fixed limit on all of a role's inline policies together, counted without whitespace. */
export const ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;

const count = (n: number) => n.toLocaleString('en-US');

/** Refuses a trust policy longer than the account's quota (`aws.trust_policy_max_chars`). */
export function assertTrustPolicyFits(roleName: string, document: PolicyDocument, maxChars: number): void {
  const size = policySize(document);
  if (size <= maxChars) return;
  throw new GrantRefusedError(
    'aws.trust_policy_too_large',
    `Role ${roleName}'s trust policy would be ${count(size)} characters with this grant, over the ${count(maxChars)} IAM allows (aws.trust_policy_max_chars). ` +
      `End other grants of this role first, or raise the account's "Role trust policy length" quota (up to 4,096) and set aws.trust_policy_max_chars to it.`,
    { role: roleName, size, limit: maxChars, setting: 'aws.trust_policy_max_chars' },
  );
}

/** The session names the package's trust statements in `trust` admit: each will need a session deny at its end. */
export function grantedSessionNames(trust: PolicyDocument | undefined): string[] {
  const names = statementsOf(trust)
    .filter((s) => isPackageTrustSid(s.Sid))
    .map((s) => (s.Condition?.StringEquals as Record<string, Json> | undefined)?.['sts:RoleSessionName'])
    .filter((name): name is string => typeof name === 'string');
  return [...new Set(names)];
}

/**
 * The session-deny document once every grantee of `trust` has their deny (the worst case the grants on the
 * role can reach), for sizing: deny statements differ only in the session name, so any instants do.
 */
export function projectedDenyDocument(current: PolicyDocument | undefined, trust: PolicyDocument, roleId: string, now: number): PolicyDocument {
  let document = mergeDeny(current, undefined, now);
  for (const name of grantedSessionNames(trust)) document = mergeDeny(document, denyStatement(roleId, name, now, now + 86_400_000), now);
  return document;
}

/** What the role's inline policies other than the session deny take of IAM's limit (IAM returns them URL-encoded). */
export async function otherInlinePolicyChars(iam: IAMClient, roleName: string): Promise<number> {
  let total = 0;
  let marker: string | undefined;
  do {
    const page = await callAws(`list the inline policies of role ${roleName}`, () => iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker })));
    for (const name of page.PolicyNames ?? []) {
      if (name === SESSION_DENY_POLICY) continue;
      const out = await callAws(`read inline policy ${name} of role ${roleName}`, () => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
      total += decodeURIComponent(out.PolicyDocument ?? '').replace(/\s/g, '').length;
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return total;
}

/**
 * Checks that the session-deny document fits beside the role's other inline policies. At grant time (`phase:
 * 'grant'`) a miss refuses the grant before anything is written; at a revocation it is an error the removal
 * retries (the trust statement is already gone), never a truncated or rejected policy.
 */
export function assertSessionDenyFits(roleName: string, others: number, deny: PolicyDocument, phase: 'grant' | 'revoke'): void {
  const size = others + policySize(deny);
  if (size <= ROLE_INLINE_POLICIES_MAX_CHARS) return;
  const detail = { role: roleName, size, limit: ROLE_INLINE_POLICIES_MAX_CHARS, policy: SESSION_DENY_POLICY };
  const over = `role ${roleName}'s inline policies would be ${count(size)} characters (${SESSION_DENY_POLICY} ${count(policySize(deny))}, the others ${count(others)}), over the ${count(ROLE_INLINE_POLICIES_MAX_CHARS)} IAM allows for a role`;
  if (phase === 'grant') {
    throw new GrantRefusedError(
      'aws.session_deny_too_large',
      `With this grant, the deny that ends its sessions could not be written: ${over}. End other grants of this role, or shrink its other inline policies, then ask again.`,
      detail,
    );
  }
  throw new UpstreamError(
    'aws.session_deny_too_large',
    `The deny that ends this grantee's sessions on role ${roleName} could not be written: ${over}. Shrink the role's other inline policies; kubiya-jit will retry.`,
    { detail },
  );
}
