import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import type { AccessRequest } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { completeEnd } from './end-access.js';
import { loadRequest } from './load-request.js';
import { transition } from './transition.js';

/** An early end of active access, by the requester ("I'm done") or an approver. */
export interface RevokeInput {
  requestId: string | undefined;
  reason: string | undefined;
  actorEmail: string | undefined;
}

/**
 * Ends active access before its TTL. Only the requester (or whoever asked on their behalf) and eligible
 * approvers may; revoking twice gives one revocation and a clear answer the second time.
 */
export async function revokeAccess(deps: JitDeps, input: RevokeInput): Promise<AccessRequest> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const request = await loadRequest(deps, input.requestId);
  const isOwner = actor === request.requester || actor === request.requestedBy;
  if (!isOwner && !(await isEligibleApprover(deps, actor, request.approverGroups))) {
    throw new PermissionError('revoke.not_allowed', `Only ${request.requester} or an approver of ${request.approverGroups.join(', ')} can revoke request ${request.id}.`);
  }
  if (request.status !== 'access_granted') throw notActive(request);
  const reason = (input.reason ?? '').trim().slice(0, 500) || (isOwner ? 'ended by the requester' : 'revoked by an approver');
  // The lease keeps a concurrent sweeper from retrying this end while we are still running it.
  const ending = await transition(deps, request, 'begin_end', { endKind: 'revoke', endedBy: actor, endReason: reason, nextAttemptAt: deps.clock.now() + 60_000 }, [
    { type: 'revocation_started', actor, data: { reason } },
  ]);
  if (!ending) throw notActive(await loadRequest(deps, request.id));
  return completeEnd(deps, ending);
}

function notActive(request: AccessRequest): ConflictError {
  return new ConflictError('revoke.not_active', `Request ${request.id} is ${describeStatus(request.status)}, so there is no active access to revoke.`, {
    status: request.status,
  });
}
