import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { quoted } from '../quote.js';
import { mayBeSamePerson, requestedByOf, requesterOf, resolveParty, type Party } from '../people.js';
import type { AccessRequest, Json } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { loadRequest } from './load-request.js';
import { recordApproval } from './record-approval.js';
import { resolveTtl } from './request-validation.js';
import { transition } from './transition.js';
import { checkRow } from './verify-row.js';

/** An approver's decision, as raw tool arguments. */
export interface DecideInput {
  requestId: string | undefined;
  action: string | undefined;
  /** Optional TTL override on approval; must be within the tool's maximum. */
  ttl?: string | undefined;
  /** The approver's reason, shown to the requester and kept in the audit log (mostly for a rejection). */
  reason?: string | undefined;
  /** The approver, as the runner says (`KUBIYA_USER_EMAIL`). */
  approverEmail: string | undefined;
}

/**
 * How often a decision is retried when another decision changed the request first. Each retry re-reads the
 * request, so approvals given at the same moment by different groups all count; the bound only stops a
 * pathological storm of writers.
 */
const DECISION_ATTEMPTS = 8;

/**
 * Approves or rejects a pending request. Self-approval and approvers outside the request's groups are refused
 * (and audited). A request may need several approvals (one per owning group, or `approvals.required` people):
 * an approval that leaves some missing is recorded and the request stays pending; the one that completes them
 * grants the access through the entry's provider. One rejection rejects it. Decisions that race are each
 * retried on the request as it now is, so none is lost and the access is granted once.
 */
export async function decideRequest(deps: JitDeps, input: DecideInput): Promise<AccessRequest> {
  const approver = normaliseEmail(input.approverEmail, 'KUBIYA_USER_EMAIL (the approver running the tool)');
  const action = (input.action ?? '').trim().toLowerCase();
  if (action !== 'approve' && action !== 'reject') {
    throw new ValidationError('approval.invalid_action', `approval_action must be "approve" or "reject", not ${quoted(input.action ?? '', 20)}.`);
  }
  let request = await loadRequest(deps, input.requestId);
  // The approver as the directory knows them: compared by id with the people recorded on the request.
  const actor = await resolveParty(deps.directory, approver);

  // Who may decide is checked before the request's state is shown: the answer "already approved by …"
  // is for the people involved, not for anyone holding a request id.
  if (mayBeSamePerson(actor, requesterOf(request)) || mayBeSamePerson(actor, requestedByOf(request))) {
    await refuse(deps, request, approver, 'self_approval');
    throw new PermissionError('approval.self_approval', `You cannot ${action} your own request ${request.id}. Another approver (${request.approvers.slice(0, 5).join(', ')}) must decide it.`);
  }
  if (!(await isEligibleApprover(deps, approver, request.approverGroups))) {
    await refuse(deps, request, approver, 'not_eligible');
    throw new PermissionError(
      'approval.not_eligible',
      // Not naming the groups: whoever asks may not be involved, and who approves the request is its business.
      `${approver} is not an active member of a group that may decide request ${request.id}. Its approvers were named in the approvers' Slack message.`,
    );
  }
  const reason = (input.reason ?? '').trim().slice(0, 500);
  for (let attempt = 0; attempt < DECISION_ATTEMPTS; attempt++) {
    request = await decidable(deps, request);
    const decided =
      action === 'reject'
        ? await reject(deps, request, actor, reason)
        : await recordApproval(deps, request, actor, { ttlSeconds: approvedTtl(deps, request, input.ttl), reason });
    if (decided) return decided;
    // Another decision changed the request first: decide again on the request as it is now.
    request = await loadRequest(deps, request.id);
  }
  throw new ConflictError('approval.busy', `Request ${request.id} is being decided by several approvers at once; nothing was changed by you. Try again in a moment.`);
}

/**
 * The request if it can still be decided: pending, within its approval window and as its audit trail says.
 * Otherwise the reason it cannot, as an error (a request past its window is closed on the way).
 */
async function decidable(deps: JitDeps, request: AccessRequest): Promise<AccessRequest> {
  if (request.status !== 'approval_pending') throw alreadyDecided(request);
  if (deps.clock.now() >= request.createdAt + deps.policy.approvalTimeoutSeconds * 1000) {
    // Past its approval window: no sweep may have closed it yet, but a decision now would be a late one.
    await transition(deps, request, 'time_out', { endedAt: deps.clock.now(), endReason: 'no approver decided in time' }, [{ type: 'request_timed_out', actor: 'kubiya-jit' }], {
      approvers: true,
      requester: 'timed_out',
    });
    throw new ConflictError('approval.timed_out', `Request ${request.id} waited longer than the approval timeout and is closed; ${request.requester} must ask again.`);
  }
  // What the approver decides on is what the approvers were shown: a row edited since (wider parameters,
  // another person, another TTL, approvals nobody gave) disagrees with its chained events and is not decided.
  const { mismatches } = await checkRow(deps, request, 'decision');
  if (mismatches.length > 0) {
    throw new ConflictError(
      'request.tampered',
      `Request ${request.id} cannot be decided: its stored ${mismatches.map((m) => m.field).join(', ')} no longer match${mismatches.length === 1 ? 'es' : ''} what was requested and shown to the approvers (its audit trail). An operator must check the database (kubiya-jit audit verify); the requester can ask again.`,
    );
  }
  return request;
}

/** The TTL this approver asks for: the override, within the entry's maximum, or undefined for none. */
function approvedTtl(deps: JitDeps, request: AccessRequest, ttl: string | undefined): number | undefined {
  const entry = deps.catalog.get(request.toolName);
  return ttl?.trim() && entry ? resolveTtl(ttl, entry, 'ttl (override)') : undefined;
}

async function reject(deps: JitDeps, request: AccessRequest, actor: Party, reason: string): Promise<AccessRequest | undefined> {
  const now = deps.clock.now();
  const personIds = actor.id ? { ...request.personIds, decidedBy: actor.id } : request.personIds;
  const data: Record<string, Json> = { ...(actor.id ? { decided_by_id: actor.id } : {}), ...(reason ? { reason } : {}) };
  return transition(
    deps,
    request,
    'reject',
    { decidedBy: actor.email, decidedAt: now, endedAt: now, endReason: reason || undefined, personIds },
    [{ type: 'request_rejected', actor: actor.email, data }],
    { approvers: true, requester: 'rejected' },
  );
}

/**
 * Records a refused decision, up to `approvals.max_refused_decisions` per request; past that bound the attempt
 * is refused with its own clear error and stores nothing, so nobody can grow the audit log without limit.
 */
export async function refuse(deps: JitDeps, request: AccessRequest, approver: string, reason: string): Promise<void> {
  const max = deps.policy.maxRefusedDecisionsPerRequest;
  const refused = (await deps.store.auditEvents({ requestId: request.id })).filter((event) => event.type === 'decision_refused').length;
  if (refused >= max) {
    throw new PermissionError(
      'approval.too_many_refusals',
      `Request ${request.id} has had ${refused} refused decision attempts, the most that are recorded (approvals.max_refused_decisions). This attempt is refused too, and nothing was stored.`,
      { max },
    );
  }
  await deps.store.appendAudit([{ requestId: request.id, type: 'decision_refused', actor: approver, at: deps.clock.now(), data: { reason } }]);
}

/** The answer to a decision on a request that is no longer waiting for one. */
export function alreadyDecided(request: AccessRequest): ConflictError {
  const by = request.decidedBy ? ` by ${request.decidedBy}` : '';
  return new ConflictError('approval.already_decided', `Request ${request.id} is ${describeStatus(request.status)}${by}; nothing was changed.`, {
    status: request.status,
  });
}
