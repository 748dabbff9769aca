import type { AppContext } from '../app/app-context.js';
import { isJitError, ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';
import { dueThresholds } from '../core/settings.js';
import { sweepDue } from '../core/use-cases/sweep.js';
import type { ToolHandler } from '../handlers/handler.js';
import { STATIC_HANDLERS } from '../handlers/registry.js';
import type { ParsedCommand } from './command-spec.js';
import { collectToolArgs } from './tool-args.js';

/** How many due requests a tool run handles before doing its own work, so no run is held up for long. */
const OPPORTUNISTIC_SWEEP_LIMIT = 3;

/** Finds the handler for a tool name: a static tool, or a tool generated from the catalog. */
export async function resolveTool(ctx: AppContext, name: string): Promise<ToolHandler | undefined> {
  const handler = STATIC_HANDLERS.get(name);
  if (handler) return handler;
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) return undefined;
  const { dedicatedHandler } = await import('../handlers/dedicated-handlers.js');
  return dedicatedHandler(ctx, name);
}

/** Runs one tool: its arguments, a small sweep first, then the handler. */
export async function runTool(ctx: AppContext, handler: ToolHandler, parsed: ParsedCommand) {
  const args = await collectToolArgs(handler, parsed);
  if (handler.name !== 'sweep_expired_access') await opportunisticSweep(ctx);
  return handler.run(ctx, args);
}

/**
 * Every tool run first ends a few grants whose time has come, so expiry holds even where no worker or
 * schedule runs. It costs one indexed query when nothing is due, and its failures never fail the tool,
 * except a missing database, which the tool itself would report next anyway.
 */
export async function opportunisticSweep(ctx: AppContext): Promise<void> {
  try {
    const next = await ctx.store().nextDueAt(dueThresholds(ctx.policy));
    if (next === undefined || next > ctx.clock.now()) return;
    const report = await sweepDue(await ctx.deps(), { limit: OPPORTUNISTIC_SWEEP_LIMIT, light: true });
    if (report.errors.length) ctx.log.warn('opportunistic sweep had problems', { errors: report.errors });
  } catch (err) {
    if (isJitError(err) && err.code.startsWith('store.')) throw err;
    ctx.log.error('opportunistic sweep failed', { error: String(err) });
  }
}

/** The error for a command that is neither a tool nor a built-in command. */
export function unknownCommand(name: string): ValidationError {
  return new ValidationError(
    'cli.unknown_command',
    `${quoted(name, 60)} is not a kubiya-jit command. Run kubiya-jit help for the tools and commands.`,
  );
}
