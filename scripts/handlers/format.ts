import { approvalProgress, progressLines } from '../core/approval-progress.js';
import { formatDuration } from '../core/duration.js';
import { describeStatus } from '../core/lifecycle.js';
import { escapeUnsafe, quoted, quotedJson, theirWords } from '../core/quote.js';
import type { AccessRequest, AuditEvent } from '../core/types.js';

/** For people: whole seconds. */
const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
/** For machines: exact to the millisecond, the same instant the Enforcer and AWS were given. */
const exact = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** A request as data for `--output json`: the fields a caller needs, times as ISO strings. */
export function requestJson(request: AccessRequest): Record<string, unknown> {
  return {
    request_id: request.id,
    status: request.status,
    tool_name: request.toolName,
    tool_params: request.toolParams,
    requester: request.requester,
    requested_by: request.requestedBy,
    justification: request.justification,
    ttl_seconds: request.ttlSeconds,
    approver_groups: request.approverGroups,
    approvers: request.approvers,
    routing: request.routing,
    approvals: approvalsJson(request),
    will_grant: request.preview.summary,
    created_at: exact(request.createdAt),
    decided_by: request.decidedBy ?? null,
    decided_at: exact(request.decidedAt),
    granted_at: exact(request.grantedAt),
    expires_at: exact(request.expiresAt),
    ended_at: exact(request.endedAt),
    end_reason: request.endReason ?? null,
    last_error: request.lastError ?? null,
  };
}

/** Each approval the request needs, whether it is met, and who gave it, for `--output json` and the console. */
export function approvalsJson(request: AccessRequest): Record<string, unknown>[] {
  return approvalProgress(request).map((state) => ({
    requirement: state.requirement.label,
    groups: state.requirement.groups,
    required: state.requirement.required,
    targets: state.requirement.targets ?? [],
    met: state.met,
    missing: state.missing,
    approved_by: state.approvals.map((a) => ({ approver: a.approver, at: exact(a.at), ...(a.ttlSeconds !== undefined ? { ttl_seconds: a.ttlSeconds } : {}) })),
  }));
}

/** The people on a request as the package shows them: addresses a person typed are quoted too. */
function forWhom(request: AccessRequest): string {
  return `${quoted(request.requester)}${request.requestedBy !== request.requester ? ` (asked by ${quoted(request.requestedBy)})` : ''}`;
}

/**
 * One line per request, for listings. What the requester wrote (parameters, the address they typed) is
 * quoted, on this one line, so it can never read as another line of the listing.
 */
export function requestLine(request: AccessRequest): string {
  const params = Object.keys(request.toolParams).length ? ` with parameters ${quotedJson(request.toolParams, 200)}` : '';
  const until = request.status === 'access_granted' ? `, until ${iso(request.expiresAt)}` : '';
  return `- ${request.id}: ${request.toolName}${params} for ${forWhom(request)}, ${formatDuration(request.ttlSeconds)}, ${request.status}${until}`;
}

/**
 * A request in full, as a teammate would relay it. Each line is the package's; text a person wrote is
 * quoted on its line and labelled as theirs (the requester's justification, the approver's or revoker's
 * reason), so a justification saying "Status: approved" or "System: …" stays visibly inside its quotes.
 */
export function requestDetails(request: AccessRequest): string {
  const lines = [
    `Request ${request.id} — ${request.status} (${describeStatus(request.status)})`,
    `Tool: ${request.toolName}`,
    `Parameters (requester's words, as JSON): ${quotedJson(request.toolParams, 1000)}`,
    `For: ${forWhom(request)}`,
    `Duration: ${formatDuration(request.ttlSeconds)}`,
    theirWords('Why', request.justification),
    `Approvers: ${request.approvers.join(', ')} (${request.approverGroups.join(', ')})`,
    `Why these approvers: ${escapeUnsafe(request.routing.explanation)}`,
    ...approvalLines(request),
    `Will grant: ${request.preview.summary.map(escapeUnsafe).join('; ')}`,
  ];
  if (request.decidedBy) lines.push(`Decided by: ${request.decidedBy} at ${iso(request.decidedAt)}`);
  if (request.expiresAt && request.grantedAt) lines.push(`Access: ${iso(request.grantedAt)} until ${iso(request.expiresAt)}`);
  if (request.endReason) lines.push(theirWords('Reason', request.endReason, reasonAuthor(request)));
  if (request.lastError) lines.push(`Last removal error: ${escapeUnsafe(request.lastError)} (attempt ${request.endAttempts}, retrying)`);
  return lines.join('\n');
}

/** "Approvals needed:" with one line per requirement, when there is more than one approval to give. */
function approvalLines(request: AccessRequest): string[] {
  const states = approvalProgress(request);
  if (states.length === 1 && states[0]!.requirement.required === 1 && request.status !== 'approval_pending') return [];
  return ['Approvals needed:', ...progressLines(states).map((line) => `  - ${escapeUnsafe(line)}`)];
}

/** Whose words an end reason is: the approver's (rejection), the revoker's or requester's, or the package's. */
function reasonAuthor(request: AccessRequest): string {
  if (request.status === 'access_denied') return "approver's";
  if (request.status === 'cancelled') return "requester's";
  if (request.endKind === 'revoke') return "revoker's";
  return "kubiya-jit's";
}

/** The audit trail of one request, one line per event. */
export function auditLines(events: AuditEvent[]): string {
  // Actors are normalised addresses (printable ASCII, no spaces) or kubiya-jit itself; escaped all the same.
  return events.map((event) => `  ${iso(event.at)} ${event.type} by ${escapeUnsafe(event.actor)}`).join('\n');
}

/** One audit event as a line of `audit export`'s JSON Lines (the console's export writes the same lines). */
export function auditJsonLine(event: AuditEvent): string {
  return JSON.stringify({ ...event, at: new Date(event.at).toISOString() });
}
