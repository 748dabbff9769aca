import type { AppContext } from '../../app/app-context.js';
import { verifyChain } from '../../core/audit-chain.js';
import { escapeUnsafe } from '../../core/quote.js';
import { checkpointProblem } from '../../core/use-cases/check-audit-tail.js';
import { findRowProblems } from '../../core/use-cases/verify-rows.js';
import type { AuditEvent } from '../../core/types.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';
import { writeOutputFile, type OutputKind } from '../output-file.js';

/** An earlier export starts with an event line: its file may be replaced by a new export, nothing else may. */
const AUDIT_EXPORT: OutputKind = {
  what: 'an audit export (JSON Lines of audit events)',
  // Every exported line starts with the event's number and request id (request_id; requestId in exports made before the JSON was all snake_case).
  recognise: (head) => /^\{"seq":\d+,"request_?[iI]d":/.test(head),
};

/** `kubiya-jit audit verify` checks the hash chain; `kubiya-jit audit export [--out FILE]` writes JSON Lines. */
export async function auditCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const events = await ctx.store().auditEvents();
  if (parsed.spec.name === 'audit verify') {
    const verdict = verifyChain(events);
    if (verdict.ok) {
      // A chain cut back (or emptied) is still a valid chain; requests whose creation is no longer in it show the cut.
      const missing = await requestsWithoutHistory(ctx, events);
      if (missing.length > 0) {
        const shown = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''}`;
        const problem = `${missing.length} stored request${missing.length > 1 ? 's have' : ' has'} no request_created event in the log (${shown}): events were deleted from its end`;
        return { human: `Audit log TAMPERED: ${problem} (checked ${verdict.events} events).`, json: { ok: false, events: verdict.events, problem, requests: missing }, exitCode: 2 };
      }
      // A log cut back past the last checkpoint, but no request's creation, is a valid, shorter chain too.
      const checkpoint = await ctx.store().auditCheckpoint();
      const lost = checkpoint && checkpointProblem(events[checkpoint.seq - 1], checkpoint, events.length > checkpoint.seq);
      if (lost) {
        return { human: `Audit log TAMPERED: ${lost} (checked ${verdict.events} events).`, json: { ok: false, events: verdict.events, seq: checkpoint.seq, problem: lost }, exitCode: 2 };
      }
      // The chain holds; the rows must say what it says (an edited expiry, wider parameters, another requester).
      const rows = await findRowProblems(ctx.store(), events);
      if (rows.length > 0) {
        const problem = `${rows.length} stored request${rows.length > 1 ? 's disagree' : ' disagrees'} with the audit log: ${rows.slice(0, 5).map((r) => escapeUnsafe(r.problem)).join('; ')}${rows.length > 5 ? `; and ${rows.length - 5} more` : ''}`;
        return {
          human: `Audit log TAMPERED: ${problem} (checked ${verdict.events} events).`,
          json: { ok: false, events: verdict.events, problem, requests: rows.map((r) => ({ request_id: r.requestId, fields: r.mismatches })) },
          exitCode: 2,
        };
      }
      // Analytics' chain check starts from here next time.
      if (verdict.events > (checkpoint?.seq ?? 0)) await ctx.store().saveAuditCheckpoint({ seq: verdict.events, hash: verdict.headHash, verifiedAt: ctx.clock.now() });
      return {
        human: `Audit log intact: ${verdict.events} events, head hash ${verdict.headHash}. Keep the head hash somewhere else to detect a truncated log later.`,
        json: { ok: true, events: verdict.events, head_hash: verdict.headHash },
      };
    }
    return { human: `Audit log TAMPERED: ${verdict.problem} (checked ${verdict.events} events).`, json: { ok: false, events: verdict.events, seq: verdict.seq, problem: verdict.problem }, exitCode: 2 };
  }
  // audit export
  const rows = events.map(exportedEvent);
  const lines = rows.map((row) => JSON.stringify(row));
  const out = parsed.values.out;
  if (typeof out !== 'string') return { human: lines.join('\n'), json: { events: events.length, audit_events: rows } };
  writeOutputFile(out, lines.length ? `${lines.join('\n')}\n` : '', AUDIT_EXPORT);
  return { human: `Wrote ${events.length} audit events to ${out} (JSON Lines).`, json: { events: events.length, out } };
}

/**
 * One exported event, snake_case like every JSON the CLI prints. The hash covers the stored fields
 * (`seq`, `requestId`, `type`, `actor`, `at` in epoch milliseconds, `data`, `prevHash`); `at` is shown as ISO 8601.
 */
function exportedEvent(event: AuditEvent): Record<string, unknown> {
  return {
    seq: event.seq,
    request_id: event.requestId,
    type: event.type,
    actor: event.actor,
    at: new Date(event.at).toISOString(),
    data: event.data,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

/** Ids of stored requests whose `request_created` event is not in the log (every request is stored with one). */
async function requestsWithoutHistory(ctx: AppContext, events: readonly AuditEvent[]): Promise<string[]> {
  const created = new Set(events.filter((event) => event.type === 'request_created').map((event) => event.requestId));
  const requests = await ctx.store().list({ limit: Number.MAX_SAFE_INTEGER });
  return requests.filter((request) => !created.has(request.id)).map((request) => request.id);
}
