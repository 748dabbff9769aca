import { createWriteStream } from 'node:fs';
import type { AppContext } from '../../app/app-context.js';
import { verifyChain } from '../../core/audit-chain.js';
import { ValidationError } from '../../core/errors.js';
import { escapeUnsafe } from '../../core/quote.js';
import { findRowProblems } from '../../core/use-cases/verify-rows.js';
import type { AuditEvent } from '../../core/types.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';

/** `kubiya-jit audit verify` checks the hash chain; `kubiya-jit audit export [--out FILE]` writes JSON Lines. */
export async function auditCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  const [action] = argv.positional;
  const events = await ctx.store().auditEvents();
  if (action === 'verify') {
    const verdict = verifyChain(events);
    if (verdict.ok) {
      // A chain cut back (or emptied) is still a valid chain; requests whose creation is no longer in it show the cut.
      const missing = await requestsWithoutHistory(ctx, events);
      if (missing.length > 0) {
        const shown = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''}`;
        const problem = `${missing.length} stored request${missing.length > 1 ? 's have' : ' has'} no request_created event in the log (${shown}): events were deleted from its end`;
        return { human: `Audit log TAMPERED: ${problem} (checked ${verdict.events} events).`, json: { ok: false, events: verdict.events, problem, requests: missing }, exitCode: 2 };
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
      return {
        human: `Audit log intact: ${verdict.events} events, head hash ${verdict.headHash}. Keep the head hash somewhere else to detect a truncated log later.`,
        json: { ...verdict },
      };
    }
    return { human: `Audit log TAMPERED: ${verdict.problem} (checked ${verdict.events} events).`, json: { ...verdict }, exitCode: 2 };
  }
  if (action === 'export') {
    const lines = events.map((event) => JSON.stringify({ ...event, at: new Date(event.at).toISOString() }));
    const out = argv.options.out;
    if (!out) return { human: lines.join('\n'), json: { events: events.length } };
    await new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(out);
      stream.on('error', reject);
      stream.end(lines.length ? `${lines.join('\n')}\n` : '', resolve);
    });
    return { human: `Wrote ${events.length} audit events to ${out} (JSON Lines).`, json: { events: events.length, out } };
  }
  throw new ValidationError('cli.audit_usage', 'Use kubiya-jit audit verify, or kubiya-jit audit export [--out FILE].');
}

/** Ids of stored requests whose `request_created` event is not in the log (every request is stored with one). */
async function requestsWithoutHistory(ctx: AppContext, events: readonly AuditEvent[]): Promise<string[]> {
  const created = new Set(events.filter((event) => event.type === 'request_created').map((event) => event.requestId));
  const requests = await ctx.store().list({ limit: Number.MAX_SAFE_INTEGER });
  return requests.filter((request) => !created.has(request.id)).map((request) => request.id);
}
