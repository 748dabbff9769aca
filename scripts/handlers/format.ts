import { formatDuration } from '../core/duration.js';
import { describeStatus } from '../core/lifecycle.js';
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

/** One line per request, for listings. */
export function requestLine(request: AccessRequest): string {
  const params = Object.keys(request.toolParams).length ? ` ${JSON.stringify(request.toolParams)}` : '';
  const until = request.status === 'access_granted' ? `, until ${iso(request.expiresAt)}` : '';
  return `- ${request.id}: ${request.toolName}${params} for ${request.requester}, ${formatDuration(request.ttlSeconds)}, ${request.status}${until}`;
}

/** A request in full, as a teammate would relay it. */
export function requestDetails(request: AccessRequest): string {
  const lines = [
    `Request ${request.id} — ${request.status} (${describeStatus(request.status)})`,
    `Tool: ${request.toolName}${Object.keys(request.toolParams).length ? ` with ${JSON.stringify(request.toolParams)}` : ''}`,
    `For: ${request.requester}${request.requestedBy !== request.requester ? ` (asked by ${request.requestedBy})` : ''}`,
    `Duration: ${formatDuration(request.ttlSeconds)}`,
    `Why: ${request.justification}`,
    `Approvers: ${request.approvers.join(', ')} (${request.approverGroups.join(', ')})`,
    `Why these approvers: ${request.routing.explanation}`,
    `Will grant: ${request.preview.summary.join('; ')}`,
  ];
  if (request.decidedBy) lines.push(`Decided by: ${request.decidedBy} at ${iso(request.decidedAt)}`);
  if (request.expiresAt && request.grantedAt) lines.push(`Access: ${iso(request.grantedAt)} until ${iso(request.expiresAt)}`);
  if (request.endReason) lines.push(`Reason: ${request.endReason}`);
  if (request.lastError) lines.push(`Last removal error: ${request.lastError} (attempt ${request.endAttempts}, retrying)`);
  return lines.join('\n');
}

/** The audit trail of one request, one line per event. */
export function auditLines(events: AuditEvent[]): string {
  return events.map((event) => `  ${iso(event.at)} ${event.type} by ${event.actor}`).join('\n');
}
