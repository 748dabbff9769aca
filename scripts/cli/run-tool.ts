import type { AppContext } from '../app/app-context.js';
import { isJitError, ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';
import { dueThresholds } from '../core/settings.js';
import { deliverOutbox } from '../core/use-cases/deliver-outbox.js';
import { nextFollowUpAt } from '../core/use-cases/follow-ups.js';
import { sweepDue } from '../core/use-cases/sweep.js';
import type { ToolHandler } from '../handlers/handler.js';
import { STATIC_HANDLERS } from '../handlers/registry.js';
import type { ParsedCommand } from './command-spec.js';
import { collectToolArgs } from './tool-args.js';

/** How many due requests a tool run handles before doing its own work, so no run is held up for long. */
const OPPORTUNISTIC_SWEEP_LIMIT = 3;
/** How many due notifications a tool run sends (its own, and retries of earlier ones). */
const OPPORTUNISTIC_OUTBOX_LIMIT = 10;

/** Finds the handler for a tool name: a static tool, or a tool generated from the catalog. */
export async function resolveTool(ctx: AppContext, name: string): Promise<ToolHandler | undefined> {
  const handler = STATIC_HANDLERS.get(name);
  if (handler) return handler;
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) return undefined;
  const { dedicatedHandler } = await import('../handlers/dedicated-handlers.js');
  return dedicatedHandler(ctx, name);
}

/**
 * Runs one tool: its arguments, a small sweep first, then the handler, then the notifications the run left
 * in the outbox (the approvers' message update and the requester's DM after an approval, …), sent before the
 * tool answers, so people hear at once when Slack is well, and later from the outbox when it is not.
 */
export async function runTool(ctx: AppContext, handler: ToolHandler, parsed: ParsedCommand) {
  const args = await collectToolArgs(handler, parsed);
  if (handler.name === 'sweep_expired_access') return handler.run(ctx, args);
  await opportunisticSweep(ctx);
  try {
    return await handler.run(ctx, args);
  } finally {
    await opportunisticDelivery(ctx);
  }
}

/**
 * Every tool run first ends a few grants whose time has come, so expiry holds even where no worker or
 * schedule runs, runs the providers' due follow-ups, and sends the notifications that are due. It costs three
 * indexed queries when nothing is due, and its failures never fail the tool, except a missing database, which
 * the tool itself would report next anyway.
 */
export async function opportunisticSweep(ctx: AppContext): Promise<void> {
  try {
    const store = ctx.store();
    // A follow-up (a session deny to lift) counts as due too: where no worker runs, tool runs do that work.
    const times = [await store.nextDueAt(dueThresholds(ctx.policy)), await nextFollowUpAt({ store, log: ctx.log })];
    if (times.some((t) => t !== undefined && t <= ctx.clock.now())) {
      const report = await sweepDue((await ctx.expiryDeps()).deps, { limit: OPPORTUNISTIC_SWEEP_LIMIT, light: true });
      if (report.errors.length) ctx.log.warn('opportunistic sweep had problems', { errors: report.errors });
    }
  } catch (err) {
    if (isJitError(err) && err.code.startsWith('store.')) throw err;
    ctx.log.error('opportunistic sweep failed', { error: String(err) });
  }
  await opportunisticDelivery(ctx);
}

/** Set once Slack did not answer in this run: the run's later deliveries are left to the outbox's retries. */
let notifierUnreachable = false;

/** Sends the due notifications (a few), if there are any; failures are retried later, never fail the tool. */
async function opportunisticDelivery(ctx: AppContext): Promise<void> {
  try {
    if (notifierUnreachable) return;
    const next = await ctx.store().nextOutboxAt();
    if (next === undefined || next > ctx.clock.now()) return;
    notifierUnreachable = (await deliverOutbox((await ctx.expiryDeps()).deps, { limit: OPPORTUNISTIC_OUTBOX_LIMIT })).unreachable;
  } catch (err) {
    ctx.log.error('sending notifications failed', { error: String(err) });
  }
}

/** The error for a command that is neither a tool nor a built-in command. */
export function unknownCommand(name: string): ValidationError {
  return new ValidationError(
    'cli.unknown_command',
    `${quoted(name, 60)} is not a kubiya-jit command. Run kubiya-jit help for the tools and commands.`,
  );
}
