import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { databasePath } from '../../app/runtime-paths.js';
import { dueThresholds } from '../../core/settings.js';
import { sweepDue } from '../../core/use-cases/sweep.js';
import type { CommandResult } from '../../handlers/handler.js';
import { sweepResult } from '../../handlers/sweep-handler.js';
import type { ParsedCommand } from '../command-spec.js';

/** Longest sleep, a safety net: writes by other runs normally wake the worker at once (see {@link wakeOnWrite}). */
const MAX_IDLE_MS = 30_000;
/** Shortest sleep, so a request that stays due (a failing removal) cannot spin the loop. */
const MIN_SLEEP_MS = 200;

/** `kubiya-jit sweep`: one full sweep now. */
export async function sweepCommand(ctx: AppContext): Promise<CommandResult> {
  return sweepResult(await sweepDue(await ctx.deps(), { limit: 500 }));
}

/**
 * `kubiya-jit worker [--max-runtime 10m]`: sweeps, then sleeps until the next instant something is due (the
 * next expiry, warning, retry or timeout). Another run's write to the database (a new grant) wakes it to
 * recompute that instant, so a short grant made after the worker fell asleep still ends on time.
 * Stops on SIGTERM/SIGINT.
 */
export async function workerCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const deps = await ctx.deps();
  // Whole seconds, read by the one duration parser (see operator-commands.ts): 1d works, 10x and 0 never get here.
  const maxRuntime = parsed.values['max-runtime'];
  const stopAt = typeof maxRuntime === 'number' ? Date.now() + maxRuntime * 1000 : Infinity;
  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let sweeps = 0;
  let ended = 0;
  let written = false;
  const watcher = wakeOnWrite(databasePath(ctx.env), () => (written = true));
  try {
    while (!stopping && Date.now() < stopAt) {
      written = false;
      const report = await sweepDue(deps, { limit: 100 });
      sweeps += 1;
      ended += report.expired.length;
      if (report.expired.length || report.timedOut.length || report.errors.length) ctx.log.info('worker sweep', { ...report });
      const next = await deps.store.nextDueAt(dueThresholds(ctx.policy));
      const wait = next === undefined ? MAX_IDLE_MS : Math.min(Math.max(next - ctx.clock.now(), MIN_SLEEP_MS), MAX_IDLE_MS);
      await sleepUnless(Math.min(wait, stopAt - Date.now()), () => stopping || written);
    }
  } finally {
    watcher?.close();
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return { human: `Worker stopped after ${plural(sweeps, 'sweep')}; ${plural(ended, 'grant')} ended.`, json: { sweeps, ended } };
}

/**
 * Watches the database's folder: SQLite in WAL mode touches the `-wal` file on every commit, so any run's write
 * calls `onWrite`. Returns undefined where watching is not possible; the worker then relies on its 30 s cap.
 */
function wakeOnWrite(database: string, onWrite: () => void): FSWatcher | undefined {
  try {
    const wal = `${basename(database)}-wal`;
    return watch(dirname(database), { persistent: false }, (_event, file) => {
      if (file && String(file) === wal) onWrite();
    });
  } catch {
    return undefined;
  }
}

/** Sleeps `ms`, waking early (checked every 50 ms) once `wake()` is true. */
async function sleepUnless(ms: number, wake: () => boolean): Promise<void> {
  const end = Date.now() + Math.max(ms, 0);
  do {
    await new Promise((resolve) => setTimeout(resolve, Math.max(Math.min(end - Date.now(), 50), 0)));
  } while (!wake() && Date.now() < end);
}
