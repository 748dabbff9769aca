import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { databasePath } from '../../app/runtime-paths.js';
import { dueThresholds } from '../../core/settings.js';
import { approvePendingDenials } from '../../core/use-cases/approve-pending-denials.js';
import type { JitDeps } from '../../core/use-cases/deps.js';
import { deliverOutbox } from '../../core/use-cases/deliver-outbox.js';
import { nextFollowUpAt, runDueFollowUps } from '../../core/use-cases/follow-ups.js';
import { emptySweepReport, sweepRequest } from '../../core/use-cases/sweep.js';
import { restoreTamperedRows } from '../../core/use-cases/verify-row.js';
import type { CommandResult } from '../../handlers/handler.js';
import { runSweep } from '../../handlers/sweep-handler.js';
import type { ParsedCommand } from '../command-spec.js';
import { ExpirySource } from './expiry-source.js';
import { Waker } from './waker.js';

/** Longest sleep, a safety net: writes by other runs normally wake the worker at once (see {@link wakeOnWrite}). */
const MAX_IDLE_MS = 30_000;
/** Shortest sleep, so a request that stays due (a failing removal) cannot spin the loop. */
const MIN_SLEEP_MS = 200;
/** How many due requests one pass lists. */
const PASS_LIMIT = 100;
/** How many notifications the worker's delivery lane sends per round. */
const DELIVERY_LIMIT = 50;
/** How long the delivery lane rests after the notifier did not answer. */
const DELIVERY_PAUSE_MS = 5_000;
/**
 * The least time between two runs of the providers' follow-ups (lifting a session deny once no session can be
 * alive): they run when the earliest falls due, and this keeps one the store failed to move from spinning.
 */
const FOLLOW_UP_GAP_MS = 1_000;
/**
 * The least time between two checks of the open rows against their audit trail (and two passes over the
 * Enforcer's pending denials). They run on the worker's passes, which come at least every 30 s, not on a
 * timer of their own: a busy worker would otherwise read every open row's events after each removal.
 */
const TRUST_GAP_MS = 5_000;

/** `kubiya-jit sweep`: one full sweep now. */
export async function sweepCommand(ctx: AppContext): Promise<CommandResult> {
  return runSweep(ctx);
}

/**
 * `kubiya-jit worker [--max-runtime 10m]`: ends grants as they fall due. Due removals run concurrently
 * (`expiry.concurrency` at a time), each started as soon as it is due and a slot is free, so a slow target or
 * a long retry delays nobody else; notifications go out from the outbox in a lane of their own, so a Slack
 * that hangs delays no removal. Between passes it sleeps until the next instant something is due, and wakes
 * early when another run writes the database or one of its own removals finishes. A config that breaks
 * never stops it (see {@link ExpirySource}). Stops on SIGTERM/SIGINT, after the removals in flight finish.
 */
export async function workerCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  // Whole seconds, read by the one duration parser (see operator-commands.ts): 1d works, 10x and 0 never get here.
  const maxRuntime = parsed.values['max-runtime'];
  const stopAt = typeof maxRuntime === 'number' ? Date.now() + maxRuntime * 1000 : Infinity;
  const waker = new Waker();
  let stopping = false;
  const stop = () => {
    stopping = true;
    waker.signal();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const source = await ExpirySource.start(ctx);
  prewarm(source.deps.deps.catalog.list().map((entry) => entry.provider));
  const inFlight = new Map<string, Promise<void>>();
  let delivering: Promise<void> | undefined;
  let deliveryPausedUntil = 0;
  let following: Promise<void> | undefined;
  let followedAt = -Infinity;
  let approving: Promise<void> | undefined;
  let trustedAt = -Infinity;
  let passes = 0;
  let ended = 0;
  const watcher = wakeOnWrite(databasePath(ctx.env), () => waker.signal());
  const configWatcher = wakeOnConfigChange(ctx.config.path, () => waker.signal());
  try {
    while (!stopping && Date.now() < stopAt) {
      await source.refresh();
      const { deps } = source.deps;
      const thresholds = dueThresholds(deps.policy);
      passes += 1;
      if (deps.clock.now() - trustedAt >= TRUST_GAP_MS) {
        trustedAt = deps.clock.now();
        // Before `due` is read, so a row whose expiry was edited into the future still ends when approved.
        await restoreRows(ctx, deps);
        // The Enforcer is called in a lane of its own: a slow one delays no removal.
        approving ??= approveDenials(ctx, deps).finally(() => (approving = undefined));
      }
      const free = deps.policy.removalConcurrency - inFlight.size;
      if (free > 0) {
        const due = await deps.store.due(deps.clock.now(), thresholds, PASS_LIMIT);
        for (const request of due.filter((r) => !inFlight.has(r.id)).slice(0, free)) {
          const report = emptySweepReport();
          const task = sweepRequest(deps, request, report).finally(() => {
            ended += report.expired.length;
            if (report.expired.length || report.timedOut.length || report.errors.length || report.retrying.length) ctx.log.info('worker swept', { ...report });
            inFlight.delete(request.id);
            waker.signal();
          });
          inFlight.set(request.id, task);
        }
      }
      const nextOutbox = Math.max((await deps.store.nextOutboxAt()) ?? Infinity, deliveryPausedUntil);
      if (!delivering && nextOutbox <= deps.clock.now()) {
        delivering = deliverOutbox(deps, { limit: DELIVERY_LIMIT })
          .then(
            // A notifier that did not answer is given a few seconds before the lane tries the next messages.
            (report) => void (deliveryPausedUntil = report.unreachable ? deps.clock.now() + DELIVERY_PAUSE_MS : 0),
            (err: unknown) => ctx.log.error('sending notifications failed', { error: String(err) }),
          )
          .finally(() => {
            delivering = undefined;
            waker.signal();
          });
      }
      // Follow-ups are provider work after removals (never before them), in a lane of their own as well, run
      // when the earliest falls due and counted below in when to wake.
      const dueFollowUp = await nextFollowUpAt(deps);
      const followUpAt = dueFollowUp === undefined ? undefined : Math.max(dueFollowUp, followedAt + FOLLOW_UP_GAP_MS);
      if (!following && followUpAt !== undefined && followUpAt <= deps.clock.now()) {
        followedAt = deps.clock.now();
        following = runDueFollowUps(deps, followedAt)
          .then(() => undefined)
          .finally(() => {
            following = undefined;
            waker.signal();
          });
      }
      const next = Math.min(
        ...[await deps.store.nextDueAt(thresholds), delivering ? undefined : nextOutbox, following ? undefined : followUpAt].filter(
          (t): t is number => t !== undefined && Number.isFinite(t),
        ),
      );
      const wait = Number.isFinite(next) ? Math.min(Math.max(next - deps.clock.now(), MIN_SLEEP_MS), MAX_IDLE_MS) : MAX_IDLE_MS;
      await waker.wait(Math.min(wait, stopAt - Date.now()));
    }
  } finally {
    watcher?.close();
    configWatcher?.close();
    await Promise.all([...inFlight.values(), delivering, following, approving]);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return { human: `Worker stopped after ${plural(passes, 'pass')}; ${plural(ended, 'grant')} ended.`, json: { sweeps: passes, ended } };
}

/** Puts back rows edited away from their audit trail, as a full sweep does first; never fails the worker. */
async function restoreRows(ctx: AppContext, deps: JitDeps): Promise<void> {
  const report = emptySweepReport();
  try {
    await restoreTamperedRows(deps, report);
  } catch (err) {
    ctx.log.error('checking request rows against the audit trail failed', { error: String(err) });
  }
  if (report.errors.length) ctx.log.warn('worker found request rows edited away from their audit trail', { errors: report.errors });
}

/** Approves the Enforcer denials active grants cover, as a full sweep does last; never fails the worker. */
async function approveDenials(ctx: AppContext, deps: JitDeps): Promise<void> {
  const report = await approvePendingDenials(deps);
  if (report.approved.length) ctx.log.info('worker approved Enforcer denials under active grants', { approved: report.approved });
}

/**
 * Loads the AWS SDK in the background when the catalog has AWS entries: the worker is long-running, and its
 * first AWS removal (say, the one it takes over from a worker that died) should not also pay for loading it.
 */
function prewarm(providers: string[]): void {
  if (providers.some((name) => name.startsWith('aws-'))) void import('../../adapters/aws/aws-clients.js').catch(() => undefined);
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

/** Watches the config's folder, so a fixed (or broken) config is picked up at once rather than within 30 s. */
function wakeOnConfigChange(configPath: string, onChange: () => void): FSWatcher | undefined {
  try {
    return watch(dirname(configPath), { persistent: false }, (_event, file) => {
      if (file && /\.(ya?ml|json)$/i.test(String(file))) onChange();
    });
  } catch {
    return undefined;
  }
}
