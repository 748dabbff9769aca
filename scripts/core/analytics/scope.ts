import type { Json } from '../types.js';
import type { AnalyticsFilter, EventFacts, Outcome, RequestFacts } from './analytics-types.js';

/** The provider that granted (or would grant) a request: what approval recorded, else the preview's. */
export function providerOf(request: RequestFacts): string {
  return request.grantedWith?.provider ?? request.preview.provider;
}

/** Whether a request matches the filter: same tool, same provider, and the group among its approver groups. */
export function matchesFilter(request: RequestFacts, filter: AnalyticsFilter): boolean {
  if (filter.tool !== undefined && request.toolName !== filter.tool) return false;
  if (filter.provider !== undefined && providerOf(request) !== filter.provider) return false;
  if (filter.group !== undefined && !request.approverGroups.includes(filter.group)) return false;
  return true;
}

/**
 * Whether an audit event belongs to the filtered scope. An event of a known request follows its request. An
 * event with no stored request (a refused request, a reconcile run) is judged by the `tool` and `provider` it
 * records; with a group filter it is left out, since no approver group was ever chosen for it.
 */
export function eventInScope(event: EventFacts, request: RequestFacts | undefined, filter: AnalyticsFilter): boolean {
  if (request) return matchesFilter(request, filter);
  if (filter.group !== undefined) return false;
  if (filter.tool !== undefined && text(event.data.tool) !== filter.tool) return false;
  if (filter.provider !== undefined && text(event.data.provider) !== filter.provider) return false;
  return true;
}

/** Whether the request was approved (whatever happened after): decided, and not rejected. */
export function wasApproved(request: RequestFacts): boolean {
  return request.decidedBy !== undefined && request.decidedBy !== '' && request.status !== 'access_denied';
}

/** A request's outcome so far, for the timeline: every status maps to exactly one outcome. */
export function outcomeOf(request: RequestFacts): Outcome {
  if (request.status === 'approval_pending') return 'pending';
  if (request.status === 'access_denied') return 'rejected';
  if (request.status === 'cancelled') return 'cancelled';
  if (request.status === 'timed_out') return 'timed_out';
  // Approved but the grant failed, or never posted to the approvers: either way no access came of it.
  if (request.status === 'failed') return 'failed';
  return 'approved';
}

/** The same access, as one key: the tool and its parameters in a stable order. */
export function accessKey(request: Pick<RequestFacts, 'toolName' | 'toolParams'>): string {
  return `${request.toolName} ${stableJson(request.toolParams)}`;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same access. */
export function stableJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson(value[key]!)}`)
    .join(',')}}`;
}

/** A string field of event data, or undefined. */
export function text(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A numeric field of event data, or undefined. */
export function num(value: Json | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
