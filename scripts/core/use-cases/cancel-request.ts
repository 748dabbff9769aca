import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { isOwner, resolveParty } from '../people.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { loadRequest } from './load-request.js';
import { transition } from './transition.js';

/** The requester withdraws a request that is still waiting for approval. */
export async function cancelRequest(
  deps: JitDeps,
  input: { requestId: string | undefined; reason?: string | undefined; actorEmail: string | undefined },
): Promise<AccessRequest> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const request = await loadRequest(deps, input.requestId);
  const party = await resolveParty(deps.directory, actor);
  if (!isOwner(party, request)) {
    // Says nothing about the request (who asked, its tool, its state): the caller may not be involved in it.
    throw new PermissionError('cancel.not_requester', `You cannot cancel request ${request.id}: only the person who asked can. An approver can reject it instead.`);
  }
  const reason = (input.reason ?? '').trim().slice(0, 500);
  const conflict = (r: AccessRequest) =>
    new ConflictError('cancel.not_pending', `Request ${r.id} is ${describeStatus(r.status)}, so it cannot be cancelled${r.status === 'access_granted' ? '; use revoke_access to end the access early' : ''}.`);
  if (request.status !== 'approval_pending') throw conflict(request);
  const cancelled = await transition(
    deps,
    request,
    'cancel',
    { endedAt: deps.clock.now(), endedBy: actor, endReason: reason || 'cancelled by the requester' },
    [{ type: 'request_cancelled', actor, data: reason ? { reason } : {} }],
    { approvers: true },
  );
  if (!cancelled) throw conflict(await loadRequest(deps, request.id));
  return cancelled;
}
