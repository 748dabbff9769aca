import { createWriteStream } from 'node:fs';
import type { AppContext } from '../../app/app-context.js';
import { verifyChain } from '../../core/audit-chain.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';

/** `kubiya-jit audit verify` checks the hash chain; `kubiya-jit audit export [--out FILE]` writes JSON Lines. */
export async function auditCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  const [action] = argv.positional;
  const events = await ctx.store().auditEvents();
  if (action === 'verify') {
    const verdict = verifyChain(events);
    if (verdict.ok) {
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
