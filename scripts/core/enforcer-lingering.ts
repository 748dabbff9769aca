/**
 * The Kubiya Enforcer has no way to withdraw an approval it gave: a run it approved under a grant stays
 * allowed until the TTL that was sent, which is the grant's expiry. When such a grant ends early (revoked),
 * the people involved are told so plainly rather than led to think the access is gone.
 */
import type { AccessRequest } from './types.js';

/** Whether the Kubiya Enforcer approved runs under this grant (its own denial, or later ones it covered). */
export function enforcerApprovalsMade(request: Pick<AccessRequest, 'enforcerRequestId' | 'enforcerApprovals'>): boolean {
  return Boolean(request.enforcerRequestId) || (request.enforcerApprovals?.length ?? 0) > 0;
}

/**
 * The plain sentence for a grant revoked before its expiry while Enforcer approvals made under it still hold,
 * or undefined when nothing outlives the revocation.
 */
export function lingeringApprovalNotice(
  request: Pick<AccessRequest, 'status' | 'endKind' | 'toolName' | 'requester' | 'expiresAt' | 'endedAt' | 'updatedAt' | 'enforcerRequestId' | 'enforcerApprovals'>,
): string | undefined {
  const revoked = request.status === 'revoked' || (request.status === 'ending' && request.endKind === 'revoke');
  if (!revoked || !enforcerApprovalsMade(request) || request.expiresAt === undefined) return undefined;
  if (request.expiresAt <= (request.endedAt ?? request.updatedAt)) return undefined;
  const until = new Date(request.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `The Kubiya Enforcer cannot withdraw an approval: the runs of ${request.toolName} it already approved for ${request.requester} ` +
    `stay allowed until ${until}, the end of the approved time. No further run is approved under this grant.`
  );
}
