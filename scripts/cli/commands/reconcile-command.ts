import type { AppContext } from '../../app/app-context.js';
import { reconcileGrants } from '../../core/use-cases/reconcile.js';
import type { CommandResult } from '../../handlers/handler.js';
import { snakeCaseKeys } from '../../handlers/snake-case.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * `kubiya-jit reconcile [--fix]`: lists what the configured providers still hold for requests that are over
 * (and for requests this database does not know), session denies past their end, and attachments no live
 * hold accounts for; with `--fix`, removes what the package wrote and is over. Exit 1 while anything the
 * package wrote is left behind or unknown (attachments it cannot tell are its own are reported only).
 */
export async function reconcileCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const deps = await ctx.deps();
  const providers = [...new Set(deps.catalog.list().map((entry) => entry.provider))];
  const report = await reconcileGrants(deps, { providers, fix: parsed.values.fix === true });
  const lines = [
    `Checked ${providers.join(', ') || 'no providers'}: ${report.active.length} grants in use, ${report.leftovers.length} left behind, ${report.unknown.length} unknown.`,
    ...report.leftovers.map((l) => `- ${l.grantId} (${l.status}): ${l.removed ? 'removed' : l.error ? `could not remove: ${l.error}` : 'left behind; run with --fix to remove'}`),
    ...report.unknown.map((id) => `- ${id}: no such request in this database; check by hand (docs/runbook.md#reconciliation)`),
    ...report.findings.map(
      (f) => `- ${f.provider}: ${f.what}${f.state === 'leftover' ? (f.removed ? ': removed' : f.error ? `: could not remove: ${f.error}` : ': over; run with --fix to remove') : ''}`,
    ),
  ];
  const outstanding =
    report.leftovers.some((l) => !l.removed) || report.unknown.length > 0 || report.findings.some((f) => f.state === 'leftover' && !f.removed);
  return { human: lines.join('\n'), json: snakeCaseKeys(report) as Record<string, unknown>, exitCode: outstanding ? 1 : 0 };
}
