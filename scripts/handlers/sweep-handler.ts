import { escapeUnsafe } from '../core/quote.js';
import { sweepDue, type SweepReport } from '../core/use-cases/sweep.js';
import type { CommandResult, ToolHandler } from './handler.js';
import { snakeCaseKeys } from './snake-case.js';

/** Renders a sweep's outcome; non-zero when something could not be removed yet. */
export function sweepResult(report: SweepReport): CommandResult {
  const parts = [
    `${report.expired.length} ended`,
    `${report.timedOut.length} timed out`,
    `${report.warned.length} warned`,
    `${report.reconciled.length} cleaned up`,
    `${report.retrying.length} retrying`,
    `${report.autoApproved.length} Enforcer denial${report.autoApproved.length === 1 ? '' : 's'} approved under active grants`,
  ];
  const errors = report.errors.map((e) => `- ${e.requestId}: ${escapeUnsafe(e.message)}`);
  return {
    human: `Sweep: ${parts.join(', ')}.${errors.length ? `\nProblems:\n${errors.join('\n')}` : ''}`,
    json: snakeCaseKeys(report) as Record<string, unknown>,
    exitCode: report.errors.length || report.retrying.length ? 1 : 0,
  };
}

/** `sweep_expired_access`: end every grant whose time has come (for a schedule). */
export const sweepExpiredAccess: ToolHandler = {
  name: 'sweep_expired_access',
  args: [],
  database: 'create',
  async run(ctx) {
    return sweepResult(await sweepDue(await ctx.deps(), { limit: 500 }));
  },
};
