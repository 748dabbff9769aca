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
export async function checkRow(deps: JitDeps, request: AccessRequest, during: string): Promise<{ mismatches: FieldMismatch[]; events: AuditEvent[] }> {
  const events = await deps.store.auditEvents({ requestId: request.id });
  const mismatches = compareWithEvents(request, events);
  if (mismatches.length === 0) return { mismatches, events };
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
  return { mismatches, events };
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
  for (const row of rows) {
    const { mismatches, events } = await checkRow(deps, row, 'sweep');
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
