import { formatDuration } from '../duration.js';
import { describeStatus } from '../lifecycle.js';
import { ConflictError, PermissionError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { quoted } from '../quote.js';
import { mayBeSamePerson, requestedByOf, requesterOf, resolveParty } from '../people.js';
import type { AccessRequest, Json } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { loadRequest } from './load-request.js';
import { resolveTtl } from './request-validation.js';
import { grantContext, pinnedTarget } from './grant-context.js';
import { grantRequest } from './grant-request.js';
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
 * Approves or rejects a pending request. Self-approval and approvers outside the request's groups are refused
 * (and audited); of two approvers acting at once exactly one decides and the other is told who did.
 * Approval then grants the access through the entry's provider.
 */
export async function decideRequest(deps: JitDeps, input: DecideInput): Promise<AccessRequest> {
  const approver = normaliseEmail(input.approverEmail, 'KUBIYA_USER_EMAIL (the approver running the tool)');
  const action = (input.action ?? '').trim().toLowerCase();
  if (action !== 'approve' && action !== 'reject') {
    throw new ValidationError('approval.invalid_action', `approval_action must be "approve" or "reject", not ${quoted(input.action ?? '', 20)}.`);
  }
  const request = await loadRequest(deps, input.requestId);
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
  if (request.status !== 'approval_pending') throw alreadyDecided(request);
  if (deps.clock.now() >= request.createdAt + deps.policy.approvalTimeoutSeconds * 1000) {
    // Past its approval window: no sweep may have closed it yet, but a decision now would be a late one.
    await transition(deps, request, 'time_out', { endedAt: deps.clock.now(), endReason: 'no approver decided in time' }, [{ type: 'request_timed_out', actor: 'kubiya-jit' }], {
      approvers: true,
      requester: 'timed_out',
    });
    throw new ConflictError('approval.timed_out', `Request ${request.id} waited longer than the approval timeout and is closed; ${request.requester} must ask again.`);
  }
  const entry = deps.catalog.get(request.toolName);
  const ttlSeconds = action === 'approve' && input.ttl?.trim() && entry ? resolveTtl(input.ttl, entry, 'ttl (override)') : request.ttlSeconds;
  if (action === 'approve' && !entry) {
    throw new ConflictError('approval.tool_removed', `${request.toolName} is no longer in the configuration, so request ${request.id} cannot be granted. Reject it instead.`);
  }
  if (action === 'approve' && ttlSeconds > entry!.maxTtlSeconds) {
    // The maximum may have been lowered since the request was made: what is granted must fit today's.
    throw new ValidationError(
      'request.ttl_over_maximum',
      `Request ${request.id} asks for ${formatDuration(ttlSeconds)}, longer than the maximum for ${entry!.name} now, ${formatDuration(entry!.maxTtlSeconds)}. Approve it with a ttl of ${formatDuration(entry!.maxTtlSeconds)} or less, or reject it.`,
      { maxSeconds: entry!.maxTtlSeconds },
    );
  }
  // What the approver decides on is what the approvers were shown: a row edited since (wider parameters,
  // another person, another TTL) disagrees with its chained events and is not decided at all.
  const { mismatches } = await checkRow(deps, request, 'decision');
  if (mismatches.length > 0) {
    throw new ConflictError(
      'request.tampered',
      `Request ${request.id} cannot be decided: its stored ${mismatches.map((m) => m.field).join(', ')} no longer match${mismatches.length === 1 ? 'es' : ''} what was requested and shown to the approvers (its audit trail). An operator must check the database (kubiya-jit audit verify); the requester can ask again.`,
    );
  }
  const now = deps.clock.now();
  const reason = (input.reason ?? '').trim().slice(0, 500);
  const personIds = actor.id ? { ...request.personIds, decidedBy: actor.id } : request.personIds;
  const decidedById: Record<string, Json> = actor.id ? { decided_by_id: actor.id } : {};

  if (action === 'reject') {
    const rejected = await transition(
      deps,
      request,
      'reject',
      { decidedBy: approver, decidedAt: now, endedAt: now, endReason: reason || undefined, personIds },
      [{ type: 'request_rejected', actor: approver, data: { ...decidedById, ...(reason ? { reason } : {}) } }],
      { approvers: true, requester: 'rejected' },
    );
    if (!rejected) throw alreadyDecided(await loadRequest(deps, request.id));
    return rejected;
  }

  const expiresAt = now + ttlSeconds * 1000;
  // What removal will need is recorded now, so no later config change (or breakage) can stand in its way.
  const grantedWith = await pinnedTarget(deps, entry!, grantContext({ ...request, expiresAt, decidedBy: approver }, entry!));
  const approved = await transition(
    deps,
    request,
    'approve',
    { decidedBy: approver, decidedAt: now, ttlSeconds, expiresAt, grantedWith, personIds },
    [
      {
        type: 'request_approved',
        actor: approver,
        // The expiry and what is granted are chained here: the sweeper and audit verify trust these, not the row.
        data: {
          ttl_seconds: ttlSeconds,
          expires_at_ms: expiresAt,
          expires_at: new Date(expiresAt).toISOString(),
          granted_with: grantedWith as unknown as Json,
          ...decidedById,
          ...(reason ? { reason } : {}),
          ...(ttlSeconds !== request.ttlSeconds ? { requested_ttl_seconds: request.ttlSeconds } : {}),
        },
      },
    ],
  );
  if (!approved) throw alreadyDecided(await loadRequest(deps, request.id));
  return grantRequest(deps, approved, entry!);
}

/**
 * Records a refused decision, up to `approvals.max_refused_decisions` per request; past that bound the attempt
 * is refused with its own clear error and stores nothing, so nobody can grow the audit log without limit.
 */
async function refuse(deps: JitDeps, request: AccessRequest, approver: string, reason: string): Promise<void> {
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

function alreadyDecided(request: AccessRequest): ConflictError {
  const by = request.decidedBy ? ` by ${request.decidedBy}` : '';
  return new ConflictError('approval.already_decided', `Request ${request.id} is ${describeStatus(request.status)}${by}; nothing was changed.`, {
    status: request.status,
  });
}
