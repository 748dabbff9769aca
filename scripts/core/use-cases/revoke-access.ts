import { lingeringApprovalNotice } from '../enforcer-lingering.js';
import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { isOwner, resolveParty } from '../people.js';
import type { AccessRequest } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { completeEnd } from './end-access.js';
import { loadRequest } from './load-request.js';
import { announcements } from './notify.js';
import { withRemovalLease } from './removal-lease.js';
import { transition } from './transition.js';

/** An early end of active access, by the requester ("I'm done") or an approver. */
export interface RevokeInput {
  requestId: string | undefined;
  reason: string | undefined;
  actorEmail: string | undefined;
  /** For a dedicated revoke tool: the entry the request must be for (checked only once the caller may revoke it). */
  toolName?: string;
}

/**
 * Ends active access before its TTL, for a reason (required: it is kept in the audit log and shown to the
 * requester). Only the requester (or whoever asked on their behalf, matched by directory id) and eligible
 * approvers may; revoking twice gives one revocation and a clear answer the second time.
 */
export async function revokeAccess(deps: JitDeps, input: RevokeInput): Promise<AccessRequest> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const reason = (input.reason ?? '').trim().slice(0, 500);
  if (!reason) {
    throw new ValidationError('revoke.missing_reason', 'reason is required: say in a short sentence why the access ends early, such as "Hotfix deployed".');
  }
  const request = await loadRequest(deps, input.requestId);
  const party = await resolveParty(deps.directory, actor);
  const owner = isOwner(party, request);
  if (!owner && !(await isEligibleApprover(deps, actor, request.approverGroups))) {
    // Says nothing about the request (who asked, its tool, its state): the caller may not be involved in it.
    throw new PermissionError('revoke.not_allowed', `You cannot revoke request ${request.id}: only its requester or one of its approvers can.`);
  }
  if (input.toolName !== undefined && request.toolName !== input.toolName) {
    throw new ValidationError('revoke.wrong_tool', `Request ${request.id} is not a ${input.toolName} request; use revoke_access or the matching revoke tool.`);
  }
  if (request.status !== 'access_granted') throw notActive(request);
  const personIds = party.id ? { ...request.personIds, endedBy: party.id } : request.personIds;
  // The removal lease keeps a concurrent sweeper from running this end while we are; if this run dies, the
  // lease lapses in seconds and a sweeper finishes the end.
  const leased = await withRemovalLease(deps, request.id, async () => {
    const ending = await transition(deps, request, 'begin_end', { endKind: 'revoke', endedBy: actor, endReason: reason, personIds, nextAttemptAt: undefined }, [
      { type: 'revocation_started', actor, data: { reason, ...(party.id ? { ended_by_id: party.id } : {}) } },
    ]);
    if (!ending) throw notActive(await loadRequest(deps, request.id));
    return completeEnd(deps, ending);
  });
  if (!leased.claimed) {
    // Another run holds the removal (its expiry, or another revocation that won the race): nothing left to revoke.
    const current = await loadRequest(deps, request.id);
    if (current.status !== 'access_granted') throw notActive(current);
    throw new ConflictError('revoke.not_active', `The access of request ${request.id} is already being removed (its expiry or another revocation); describe_access_request shows when it is done.`, {
      status: current.status,
    });
  }
  const ended = leased.value;
  const lingering = lingeringApprovalNotice(ended);
  if (lingering) {
    // The approvers' channel hears it too (through the outbox, like every notice): they may believe the access is gone.
    await deps.store.enqueue(announcements(ended, { alert: `Request ${ended.id} was revoked, but ${lingering.charAt(0).toLowerCase()}${lingering.slice(1)}` }, deps.clock.now()));
  }
  return ended;
}

function notActive(request: AccessRequest): ConflictError {
  return new ConflictError('revoke.not_active', `Request ${request.id} is ${describeStatus(request.status)}, so there is no active access to revoke.`, {
    status: request.status,
  });
}
