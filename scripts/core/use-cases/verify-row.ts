import { canonicalJson } from '../canonical-json.js';
import { compareWithEvents, restoredFromEvents, type FieldMismatch } from '../request-integrity.js';
import type { AccessRequest, AuditEvent, Json } from '../types.js';
import type { JitDeps } from './deps.js';
import { announcements } from './notify.js';
import { transition } from './transition.js';

/** The audit event that records a row found disagreeing with its events (written once per request and cause). */
export const ROW_MISMATCH_EVENT = 'request_row_mismatch';

/** "expires_at (row 4102444800000, events 1767229200000)" for people and logs. */
export function describeMismatches(mismatches: readonly FieldMismatch[]): string {
  return mismatches.map((m) => `${m.field} (stored ${m.row}, audit trail ${m.events})`).join('; ');
}

/**
 * Compares a stored request with its chained events. A disagreement is recorded (an audit event, the operator
 * log, and one alert to the approvers per request), and returned along with the events read.
 */
export async function checkRow(
  deps: JitDeps,
  listed: AccessRequest,
  during: string,
): Promise<{ mismatches: FieldMismatch[]; events: AuditEvent[]; request: AccessRequest }> {
  let request = listed;
  let events = await deps.store.auditEvents({ requestId: request.id });
  let mismatches = compareWithEvents(request, events);
  if (mismatches.length === 0) return { mismatches, events, request };
  // Another sweeper (a worker, on this host or another) may have moved the request between our read of its row
  // and of its events: its row and events are written together, so compare a row read again after the events,
  // if it did not move once more meanwhile. A row still moving is left to the next check.
  const current = await deps.store.get(request.id);
  if (current && current.version !== request.version) {
    events = await deps.store.auditEvents({ requestId: request.id });
    const settled = await deps.store.get(request.id);
    if (!settled || settled.version !== current.version) return { mismatches: [], events, request: current };
    request = settled;
    mismatches = compareWithEvents(request, events);
    if (mismatches.length === 0) return { mismatches, events, request };
  }
  const detail = describeMismatches(mismatches);
  deps.log.error('a request row disagrees with its audit trail', { requestId: request.id, during, mismatches });
  // The same disagreement found again (each sweep, each refused decision) is not written or alerted again.
  const fields = mismatches as unknown as Json;
  const alreadyReported = events.some((event) => event.type === ROW_MISMATCH_EVENT && canonicalJson(event.data.fields) === canonicalJson(fields));
  if (!alreadyReported) {
    await deps.store.appendAudit([{ requestId: request.id, type: ROW_MISMATCH_EVENT, actor: 'kubiya-jit', at: deps.clock.now(), data: { during, fields } }]);
    // Through the outbox like every notice, so a sweep that finds an edited row never waits on Slack.
    const alert = `The stored record of request ${request.id} disagrees with its audit trail: ${detail}. kubiya-jit goes by the audit trail; someone may have edited the database. Run kubiya-jit audit verify.`;
    await deps.store.enqueue(announcements(request, { alert }, deps.clock.now()));
  }
  return { mismatches, events, request };
}

/**
 * The sweeper's check of every request that holds or may hold access: a row whose security fields disagree
 * with its chained events (an expiry edited to the far future, another grant target) has them put back from
 * the events before the sweep reads what is due, so the access still ends when the approvers said. Each one
 * is reported as a sweep problem. A stored status that disagrees is reported only: guessing it could hide
 * access that exists.
 */
export async function restoreTamperedRows(deps: JitDeps, report: { errors: { requestId: string; message: string }[] }): Promise<void> {
  const rows = await deps.store.list({ statuses: ['granting', 'access_granted', 'ending'], limit: 100_000 });
  for (const listed of rows) {
    const { mismatches, events, request: row } = await checkRow(deps, listed, 'sweep');
    if (mismatches.length === 0) continue;
    const restored = restoredFromEvents(row, events);
    const { id: _id, status: _status, version: _version, ...patch } = restored;
    const fields = mismatches.filter((m) => m.field !== 'status').map((m) => m.field);
    if (fields.length > 0) {
      await transition(deps, row, 'annotate', patch, [{ type: 'request_row_restored', actor: 'kubiya-jit', data: { fields } }]);
    }
    report.errors.push({
      requestId: row.id,
      message: `its stored ${mismatches.map((m) => m.field).join(', ')} disagreed with the audit trail${fields.length ? '; restored from the audit trail' : ''}. Run kubiya-jit audit verify.`,
    });
  }
}
