import { approvalProgress, fullyApproved, outstanding, shortestApprovedTtl, type RequirementState } from '../approval-progress.js';
import { formatDuration } from '../duration.js';
import { ConflictError, ValidationError } from '../errors.js';
import { isSamePerson, type Party } from '../people.js';
import type { AccessRequest, GivenApproval, Json } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { grantContext, pinnedTarget } from './grant-context.js';
import { grantRequest } from './grant-request.js';
import { transition, type TransitionEvent } from './transition.js';

/** What an approver asks for with their approval. */
export interface ApprovalAsk {
  /** A shorter TTL than requested; the grant gets the shortest any approver asked for. */
  ttlSeconds?: number;
  reason: string;
}

/**
 * Records `actor`'s approval of a pending request. It counts toward every requirement still missing approvals
 * whose groups the actor is an ACTIVE member of now. When that completes the request, the earlier approvals are
 * checked once more (their approvers must still be ACTIVE members of the groups they approved for; any that are
 * not are withdrawn, and the request waits on if that leaves a requirement short) and the access is granted.
 * Returns undefined when another writer changed the request first; the caller re-reads it and tries again.
 */
export async function recordApproval(deps: JitDeps, request: AccessRequest, actor: Party, ask: ApprovalAsk): Promise<AccessRequest | undefined> {
  const entry = deps.catalog.get(request.toolName);
  if (!entry) {
    throw new ConflictError('approval.tool_removed', `${request.toolName} is no longer in the configuration, so request ${request.id} cannot be granted. Reject it instead.`);
  }
  const states = approvalProgress(request);
  const mine = (request.approvals ?? []).find((a) => isSamePerson(actor, asParty(a)) || a.approver === actor.email);
  if (mine) {
    throw new ConflictError(
      'approval.already_given',
      `You already approved request ${request.id} (for ${mine.counts.join(', ')}); one person's approval counts once. It still waits for ${waitingFor(states)}.`,
    );
  }
  const counts: string[] = [];
  for (const state of outstanding(states)) {
    if (await isEligibleApprover(deps, actor.email, state.requirement.groups)) counts.push(state.requirement.label);
  }
  if (counts.length === 0) {
    throw new ConflictError(
      'approval.requirement_met',
      `The approvals you can give for request ${request.id} have all been given; it still waits for ${waitingFor(states)}, which someone from those groups must approve. Nothing was changed.`,
    );
  }
  const now = deps.clock.now();
  const given: GivenApproval = {
    approver: actor.email,
    ...(actor.id ? { approverId: actor.id } : {}),
    at: now,
    counts,
    ...(ask.ttlSeconds !== undefined ? { ttlSeconds: ask.ttlSeconds } : {}),
    ...(ask.reason ? { reason: ask.reason } : {}),
  };
  const events: TransitionEvent[] = [];
  let approvals = [...(request.approvals ?? []), given];
  if (fullyApproved(approvalProgress({ ...request, approvals }))) {
    // The approvals that came before are re-checked now, when they are about to take effect.
    for (const earlier of request.approvals ?? []) {
      const lapsed = await lapsedFor(deps, request, earlier);
      if (lapsed.length === 0) continue;
      approvals = approvals.filter((a) => a !== earlier);
      events.push({ type: 'approval_withdrawn', actor: 'kubiya-jit', data: { approver: earlier.approver, counts: earlier.counts, reason: `no longer an active member of ${lapsed.join(', ')}` } });
    }
  }
  const after = approvalProgress({ ...request, approvals });
  const askData: Record<string, Json> = {
    counts,
    ...(actor.id ? { approver_id: actor.id } : {}),
    ...(ask.ttlSeconds !== undefined ? { ttl_asked_seconds: ask.ttlSeconds } : {}),
    ...(ask.reason ? { reason: ask.reason } : {}),
  };
  if (!fullyApproved(after)) {
    events.push({ type: 'approval_recorded', actor: actor.email, data: { ...askData, remaining: outstanding(after).map((s) => s.requirement.label) } });
    return transition(deps, request, 'record_approval', { approvals }, events, { approvers: true });
  }

  const ttlSeconds = Math.min(request.ttlSeconds, shortestApprovedTtl(approvals) ?? request.ttlSeconds);
  if (ttlSeconds > entry.maxTtlSeconds) {
    // The maximum may have been lowered since the request was made: what is granted must fit today's.
    throw new ValidationError(
      'request.ttl_over_maximum',
      `Request ${request.id} asks for ${formatDuration(ttlSeconds)}, longer than the maximum for ${entry.name} now, ${formatDuration(entry.maxTtlSeconds)}. Approve it with a ttl of ${formatDuration(entry.maxTtlSeconds)} or less, or reject it.`,
      { maxSeconds: entry.maxTtlSeconds },
    );
  }
  const expiresAt = now + ttlSeconds * 1000;
  // What removal will need is recorded now, so no later config change (or breakage) can stand in its way.
  const grantedWith = await pinnedTarget(deps, entry, grantContext({ ...request, expiresAt, decidedBy: actor.email }, entry));
  const personIds = actor.id ? { ...request.personIds, decidedBy: actor.id } : request.personIds;
  events.push({
    type: 'request_approved',
    actor: actor.email,
    // The expiry and what is granted are chained here: the sweeper and audit verify trust these, not the row.
    data: {
      ttl_seconds: ttlSeconds,
      expires_at_ms: expiresAt,
      expires_at: new Date(expiresAt).toISOString(),
      granted_with: grantedWith as unknown as Json,
      counts,
      ...(actor.id ? { decided_by_id: actor.id } : {}),
      ...(ask.ttlSeconds !== undefined ? { ttl_asked_seconds: ask.ttlSeconds } : {}),
      ...(ask.reason ? { reason: ask.reason } : {}),
      ...(ttlSeconds !== request.ttlSeconds ? { requested_ttl_seconds: request.ttlSeconds } : {}),
      ...(approvals.length > 1 ? { approved_by: approvals.map((a) => a.approver) } : {}),
    },
  });
  const approved = await transition(deps, request, 'approve', { decidedBy: actor.email, decidedAt: now, ttlSeconds, expiresAt, grantedWith, personIds, approvals }, events);
  return approved && grantRequest(deps, approved, entry);
}

/** The requirements `approval` counted toward whose groups its approver is no longer an ACTIVE member of. */
async function lapsedFor(deps: JitDeps, request: AccessRequest, approval: GivenApproval): Promise<string[]> {
  const lapsed: string[] = [];
  for (const state of approvalProgress(request)) {
    if (!approval.counts.includes(state.requirement.label)) continue;
    if (!(await isEligibleApprover(deps, approval.approver, state.requirement.groups))) lapsed.push(state.requirement.label);
  }
  return lapsed;
}

/** "checkout-owners, and 1 more approval from platform" for messages. */
function waitingFor(states: RequirementState[]): string {
  const open = outstanding(states);
  if (open.length === 0) return 'nothing more';
  return open.map((s) => (s.missing > 1 ? `${s.missing} more approvals from ${s.requirement.label}` : `an approval from ${s.requirement.label}`)).join(' and ');
}

function asParty(approval: GivenApproval): Party {
  return approval.approverId ? { email: approval.approver, id: approval.approverId } : { email: approval.approver };
}
