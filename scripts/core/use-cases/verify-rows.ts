import { compareWithEvents, type FieldMismatch } from '../request-integrity.js';
import type { RequestStore } from '../ports.js';
import type { AuditEvent } from '../types.js';

/** A stored request whose security fields disagree with its chained events, or that has events but no row. */
export interface RowProblem {
  requestId: string;
  /** The fields that disagree; empty when the row itself is gone. */
  mismatches: FieldMismatch[];
  problem: string;
}

/**
 * For `audit verify`, after the chain itself checked out: every stored request compared with what its events
 * recorded (requester and ids, tool, parameters, approver groups, approvers, TTL, expiry, grant target,
 * status), and every request the events speak of that has no stored row. `events` is the whole log, in order.
 */
export async function findRowProblems(store: Pick<RequestStore, 'list'>, events: readonly AuditEvent[]): Promise<RowProblem[]> {
  const byRequest = new Map<string, AuditEvent[]>();
  for (const event of events) {
    if (event.requestId === null) continue;
    const list = byRequest.get(event.requestId);
    if (list) list.push(event);
    else byRequest.set(event.requestId, [event]);
  }
  const problems: RowProblem[] = [];
  const requests = await store.list({ limit: Number.MAX_SAFE_INTEGER });
  for (const request of requests) {
    const mismatches = compareWithEvents(request, byRequest.get(request.id) ?? []);
    if (mismatches.length > 0) {
      const fields = mismatches.map((m) => `${m.field} is ${m.row} in the row but ${m.events} in its events`).join('; ');
      problems.push({ requestId: request.id, mismatches, problem: `request ${request.id}: ${fields}` });
    }
    byRequest.delete(request.id);
  }
  for (const [requestId, list] of byRequest) {
    if (list.some((event) => event.type === 'request_created')) {
      problems.push({ requestId, mismatches: [], problem: `request ${requestId} has events in the log but no stored row (deleted)` });
    }
  }
  return problems;
}
