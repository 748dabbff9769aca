/**
 * What a request's chained audit events say its security fields are, and where a stored row disagrees. The
 * row is a convenience copy for queries; the events are hash-chained, so an edit of the row's requester,
 * tool, parameters, approvers, TTL, expiry or grant target (to widen a grant, or keep it alive) shows up as a
 * disagreement with them. Events written before a field was recorded in them leave that field unchecked.
 */
import { canonicalJson } from './canonical-json.js';
import type { AccessRequest, ApprovalRequirement, AuditEvent, GivenApproval, Json } from './types.js';

/** One field whose stored value is not what the events recorded. */
export interface FieldMismatch {
  field: string;
  /** The stored value, as compact JSON. */
  row: string;
  /** The value the events recorded, as compact JSON. */
  events: string;
}

/** The security fields as the events recorded them; a field the events never recorded is absent. */
export type RecordedFields = Partial<
  Pick<AccessRequest, 'requester' | 'requestedBy' | 'toolName' | 'toolParams' | 'approverGroups' | 'approvers' | 'ttlSeconds' | 'expiresAt' | 'grantedWith' | 'status' | 'decidedBy' | 'enforcerRequestId' | 'approvalRequirements' | 'approvals'>
> & { requesterId?: string; requestedById?: string; approverIds?: string[] };

/** Replays one request's events, in order, into the fields they recorded. */
export function recordedFields(events: readonly AuditEvent[]): RecordedFields {
  const r: RecordedFields = {};
  for (const event of events) {
    const d = event.data;
    if (event.type === 'request_created') {
      setString(r, 'toolName', d.tool);
      if (isObject(d.params)) r.toolParams = d.params;
      setString(r, 'requester', d.requester);
      r.requestedBy = typeof d.requested_by === 'string' ? d.requested_by : event.actor;
      setString(r, 'requesterId', d.requester_id);
      setString(r, 'requestedById', d.requested_by_id);
      if (typeof d.ttl_seconds === 'number') r.ttlSeconds = d.ttl_seconds;
      setString(r, 'enforcerRequestId', d.enforcer_request_id);
    } else if (event.type === 'approvers_routed') {
      if (isStrings(d.groups)) r.approverGroups = d.groups;
      if (isStrings(d.approvers)) r.approvers = d.approvers;
      if (isStrings(d.approver_ids)) r.approverIds = d.approver_ids;
      // Requests made since multi-approval record what they need; their approvals are then tracked too.
      if (Array.isArray(d.requirements)) {
        r.approvalRequirements = d.requirements.flatMap((item) => (isRequirement(item) ? [toRequirement(item)] : []));
        r.approvals = [];
      }
    } else if (event.type === 'approval_recorded' && r.approvals) {
      r.approvals = [...r.approvals, givenApproval(event)];
    } else if (event.type === 'approval_withdrawn' && r.approvals) {
      const withdrawn = d.approver;
      r.approvals = r.approvals.filter((a) => a.approver !== withdrawn);
    }
    if (event.type === 'request_approved' && r.approvals) r.approvals = [...r.approvals, givenApproval(event)];
    if (event.type === 'request_approved' || event.type === 'request_rejected') {
      r.decidedBy = event.actor;
      if (typeof d.ttl_seconds === 'number') r.ttlSeconds = d.ttl_seconds;
      if (typeof d.expires_at_ms === 'number') r.expiresAt = d.expires_at_ms;
      if (isObject(d.granted_with) && typeof d.granted_with.provider === 'string' && isObject(d.granted_with.settings)) {
        const { provider, settings, pinned } = d.granted_with;
        // What removal was pinned to (the principal, how the target is reached) is chained too: an edit of it
        // would have removal aim at someone else's access and leave the granted one in place.
        r.grantedWith = { provider, settings, ...(isObject(pinned) ? { pinned } : {}) };
      }
    }
    // Every transition records where it led; events that record a fact without a move have no `to`.
    if (typeof d.to === 'string') r.status = d.to as AccessRequest['status'];
  }
  return r;
}

/** The stored fields that disagree with what the events recorded, by field name. */
export function compareWithEvents(request: AccessRequest, events: readonly AuditEvent[]): FieldMismatch[] {
  const recorded = recordedFields(events);
  const stored: RecordedFields = {
    ...request,
    requesterId: request.personIds?.requester,
    requestedById: request.personIds?.requestedBy,
    approverIds: request.personIds?.approvers,
  };
  const mismatches: FieldMismatch[] = [];
  for (const field of Object.keys(recorded) as (keyof RecordedFields)[]) {
    // When an approval was given is not a security field (and the row's copy may differ by a millisecond).
    const value = (v: unknown) => (field === 'approvals' && Array.isArray(v) ? v.map(({ at: _at, ...rest }: GivenApproval) => rest) : v);
    const expected = canonicalJson(value(recorded[field]) as Json);
    const actual = canonicalJson((value(stored[field]) ?? null) as Json);
    if (expected !== actual) mismatches.push({ field: FIELD_NAMES[field], row: actual.slice(0, 200), events: expected.slice(0, 200) });
  }
  return mismatches;
}

/** The row with every recorded field put back as the events say (status excepted: that is only reported). */
export function restoredFromEvents(request: AccessRequest, events: readonly AuditEvent[]): AccessRequest {
  const { requesterId, requestedById, approverIds, status: _status, ...fields } = recordedFields(events);
  const personIds = {
    ...request.personIds,
    ...(requesterId ? { requester: requesterId } : {}),
    ...(requestedById ? { requestedBy: requestedById } : {}),
    ...(approverIds ? { approvers: approverIds } : {}),
  };
  return { ...request, ...fields, ...(Object.keys(personIds).length ? { personIds } : {}) };
}

/** The names fields are reported under: the snake_case of the request's JSON output. */
const FIELD_NAMES: Record<keyof RecordedFields, string> = {
  requester: 'requester',
  requestedBy: 'requested_by',
  requesterId: 'requester_id',
  requestedById: 'requested_by_id',
  toolName: 'tool_name',
  toolParams: 'tool_params',
  approverGroups: 'approver_groups',
  approvers: 'approvers',
  approverIds: 'approver_ids',
  ttlSeconds: 'ttl_seconds',
  expiresAt: 'expires_at',
  grantedWith: 'granted_with',
  status: 'status',
  decidedBy: 'decided_by',
  enforcerRequestId: 'enforcer_request_id',
  approvalRequirements: 'approval_requirements',
  approvals: 'approvals',
};

/** The approval an `approval_recorded` or final `request_approved` event records. */
function givenApproval(event: AuditEvent): GivenApproval {
  const d = event.data;
  return {
    approver: event.actor,
    ...(typeof d.approver_id === 'string' ? { approverId: d.approver_id } : typeof d.decided_by_id === 'string' ? { approverId: d.decided_by_id } : {}),
    at: event.at,
    counts: isStrings(d.counts) ? d.counts : [],
    ...(typeof d.ttl_asked_seconds === 'number' ? { ttlSeconds: d.ttl_asked_seconds } : {}),
    ...(typeof d.reason === 'string' && d.reason !== '' ? { reason: d.reason } : {}),
  };
}

function isRequirement(value: Json): value is { [key: string]: Json } {
  return isObject(value) && typeof value.label === 'string' && isStrings(value.groups) && typeof value.required === 'number';
}

function toRequirement(item: { [key: string]: Json }): ApprovalRequirement {
  return {
    label: item.label as string,
    groups: item.groups as string[],
    required: item.required as number,
    ...(isStrings(item.targets) ? { targets: item.targets } : {}),
  };
}

function setString<K extends keyof RecordedFields>(r: RecordedFields, key: K, value: Json | undefined): void {
  if (typeof value === 'string' && value !== '') (r as Record<string, unknown>)[key] = value;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: Json | undefined): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
