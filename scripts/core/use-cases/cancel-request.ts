import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { loadRequest } from './load-request.js';
import { announce } from './notify.js';
import { transition } from './transition.js';

/** The requester withdraws a request that is still waiting for approval. */
export async function cancelRequest(
  deps: JitDeps,
  input: { requestId: string | undefined; reason?: string | undefined; actorEmail: string | undefined },
): Promise<AccessRequest> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const request = await loadRequest(deps, input.requestId);
  if (actor !== request.requester && actor !== request.requestedBy) {
    throw new PermissionError('cancel.not_requester', `Only ${request.requester}, who asked, can cancel request ${request.id}. An approver can reject it instead.`);
  }
  const reason = (input.reason ?? '').trim().slice(0, 500);
  const conflict = (r: AccessRequest) =>
    new ConflictError('cancel.not_pending', `Request ${r.id} is ${describeStatus(r.status)}, so it cannot be cancelled${r.status === 'access_granted' ? '; use revoke_access to end the access early' : ''}.`);
  if (request.status !== 'approval_pending') throw conflict(request);
  const cancelled = await transition(deps, request, 'cancel', { endedAt: deps.clock.now(), endedBy: actor, endReason: reason || 'cancelled by the requester' }, [
    { type: 'request_cancelled', actor, data: reason ? { reason } : {} },
  ]);
  if (!cancelled) throw conflict(await loadRequest(deps, request.id));
  await announce(deps, cancelled);
  return cancelled;
}
