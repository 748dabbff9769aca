import { escapeUnsafe } from '../core/quote.js';
import { sweepOnce, type FullSweepReport } from '../core/use-cases/sweep-once.js';
import type { AppContext } from '../app/app-context.js';
import type { CommandResult, ToolHandler } from './handler.js';
import { snakeCaseKeys } from './snake-case.js';

/** How many due requests one full sweep (the command or the tool) handles. */
const SWEEP_LIMIT = 500;

/**
 * One full sweep with whatever the config allows: a config that cannot be read (or a broken AWS companion
 * file) is reported, and grants keep ending with what each recorded at approval.
 */
export async function runSweep(ctx: AppContext): Promise<CommandResult> {
  const { deps, problems } = await ctx.expiryDeps();
  return sweepResult(await sweepOnce(deps, { limit: SWEEP_LIMIT, configProblems: problems }), deps.clock.now());
}

/**
 * Renders a sweep's outcome. Non-zero while any removal is still failing (retried by this sweep or waiting
 * for its next attempt), when a request could not be swept, or when the config has errors.
 */
export function sweepResult(report: FullSweepReport, now: number): CommandResult {
  const parts = [
    `${report.expired.length} ended`,
    `${report.timedOut.length} timed out`,
    `${report.warned.length} warned`,
    `${report.reconciled.length} cleaned up`,
    `${report.retrying.length} retrying`,
    `${report.autoApproved.length} Enforcer denial${report.autoApproved.length === 1 ? '' : 's'} approved under active grants`,
  ];
  const lines = [`Sweep: ${parts.join(', ')}.`];
  if (report.failing.length) {
    lines.push('Removals still failing (retried until they succeed):');
    for (const f of report.failing) {
      const next = f.nextAttemptAt === undefined ? 'now' : f.nextAttemptAt <= now ? 'due now' : `in ${Math.ceil((f.nextAttemptAt - now) / 1000)}s`;
      lines.push(`- ${f.requestId} (${f.toolName}, ${f.status}): ${f.attempts} failed attempt(s), next ${next}: ${escapeUnsafe(f.lastError)}`);
    }
  }
  if (report.errors.length) lines.push('Problems:', ...report.errors.map((e) => `- ${e.requestId}: ${escapeUnsafe(e.message)}`));
  if (report.configProblems.length) {
    lines.push('Config errors (grants still end, each with the settings it was granted with):', ...report.configProblems.map((p) => `- ${escapeUnsafe(p)}`));
  }
  const n = report.notifications;
  if (n.sent || n.retrying || n.abandoned) lines.push(`Notifications: ${n.sent} sent, ${n.retrying} to retry, ${n.abandoned} given up.`);
  // A config error is the same `config.invalid` every other command answers; the sweep report comes with it.
  const configError = report.configProblems.length ? { code: 'config.invalid', message: report.configProblems.join('; ') } : {};
  return {
    human: lines.join('\n'),
    json: snakeCaseKeys({ ...configError, ...report }) as Record<string, unknown>,
    exitCode: report.errors.length || report.failing.length || report.configProblems.length ? 1 : 0,
  };
}

/** `sweep_expired_access`: end every grant whose time has come (for a schedule). */
export const sweepExpiredAccess: ToolHandler = {
  name: 'sweep_expired_access',
  args: [],
  database: 'create',
  run: (ctx) => runSweep(ctx),
};
