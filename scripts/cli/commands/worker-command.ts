import { watch, type FSWatcher } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { isJitError, publicReason } from '../../core/errors.js';
import type { ChangeWatch } from '../../core/ports.js';
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
import { parseMetricsPort, startMetering } from './worker-metering.js';
import { Waker } from './waker.js';

/** Longest sleep, a safety net: writes by other runs normally wake the worker at once (the store's `watchChanges`). */
const MAX_IDLE_MS = 30_000;
/** Shortest sleep, so a request that stays due (a failing removal) cannot spin the loop. */
const MIN_SLEEP_MS = 200;
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
/** First wait after a pass failed as a whole (the database away), doubling up to {@link MAX_IDLE_MS}. */
const ERROR_BACKOFF_MS = 1_000;

/** `kubiya-jit sweep`: one full sweep now. */
export async function sweepCommand(ctx: AppContext): Promise<CommandResult> {
  return runSweep(ctx);
}

/**
 * `kubiya-jit worker [--max-runtime 10m] [--metrics-port 9090]`: ends grants as they fall due. Due removals run
 * concurrently (`expiry.concurrency` at a time), each started as soon as it is due and a slot is free, so a
 * slow target or a long retry delays nobody else; notifications go out from the outbox in a lane of their own,
 * so a Slack that hangs delays no removal. The worker claims what it starts, so several workers (on any host
 * sharing a PostgreSQL store) share the due work. Between passes it sleeps until the next instant something is
 * due, and wakes early when another run writes the store (on PostgreSQL, from any host) or one of its own
 * removals finishes. A config that breaks never stops it (see {@link ExpirySource}); a store whose settings are
 * wrong stops it at once with the store's error. Stops on SIGTERM/SIGINT, after the removals in flight finish.
 * With `--metrics-port` it serves /healthz, /readyz and /metrics and logs JSON lines to stdout.
 */
export async function workerCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  // Whole seconds, read by the one duration parser (see operator-commands.ts): 1d works, 10x and 0 never get here.
  const maxRuntime = parsed.values['max-runtime'];
  const stopAt = typeof maxRuntime === 'number' ? Date.now() + maxRuntime * 1000 : Infinity;
  const text = (name: string) => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const metricsPort = parseMetricsPort(text('metrics-port'));
  // Settings only a person can fix (unreachable database, wrong password, missing migrations) stop the worker
  // at once with the store's own error, instead of leaving it retrying.
  await ctx.store().health().catch((err: unknown) => {
    ctx.log.error('worker cannot start', { code: isJitError(err) ? err.code : 'internal_error', error: publicReason(err) });
    throw err;
  });
  const waker = new Waker();
  let stopping = false;
  const stop = (signal: string) => {
    if (!stopping) ctx.log.info('worker stopping: finishing the removals in progress', { signal });
    stopping = true;
    waker.signal();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const source = await ExpirySource.start(ctx);
  prewarm(source.deps.deps.catalog.list().map((entry) => entry.provider));
  const metering = await startMetering(ctx, metricsPort, text('metrics-host'), () => !stopping);
  const inFlight = new Map<string, Promise<void>>();
  let delivering: Promise<void> | undefined;
  let deliveryPausedUntil = 0;
  let following: Promise<void> | undefined;
  let followedAt = -Infinity;
  let approving: Promise<void> | undefined;
  let trustedAt = -Infinity;
  let passes = 0;
  let ended = 0;
  let failures = 0;
  // One claim owner per worker process: other workers skip what it started until it writes it (or dies).
  const owner = `worker:${ctx.owner}`;
  const watcher: ChangeWatch | undefined = await ctx
    .store()
    .watchChanges?.(() => waker.signal())
    .catch((err: unknown) => {
      ctx.log.warn('cannot watch the store for changes; waking at least every 30 s', { error: publicReason(err) });
      return undefined;
    });
  const configWatcher = wakeOnConfigChange(ctx.config.path, () => waker.signal());
  ctx.log.info('worker started', { metricsPort: metering.port, pid: process.pid });
  try {
    while (!stopping && Date.now() < stopAt) {
      let wait: number;
      try {
        await source.refresh();
        const deps = metering.meter(source.deps.deps);
        const thresholds = dueThresholds(deps.policy);
        passes += 1;
        if (deps.clock.now() - trustedAt >= TRUST_GAP_MS) {
          trustedAt = deps.clock.now();
          // Before `due` is read, so a row whose expiry was edited into the future still ends when approved.
          await restoreRows(ctx, deps);
          // The Enforcer is called in a lane of its own: a slow one delays no removal.
          approving ??= approveDenials(ctx, deps).finally(() => (approving = undefined));
        }
        const started = performance.now();
        const free = deps.policy.removalConcurrency - inFlight.size;
        if (free > 0) {
          // Only as many as can start now are claimed, so no claim keeps work from another worker idle.
          const now = deps.clock.now();
          const due = await deps.store.claimDue(now, thresholds, free, { owner, until: now + deps.policy.removalLeaseSeconds * 1000 });
          for (const request of due.filter((r) => !inFlight.has(r.id))) {
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
        metering.observeSweep((performance.now() - started) / 1000);
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
        failures = 0;
        wait = Number.isFinite(next) ? Math.min(Math.max(next - deps.clock.now(), MIN_SLEEP_MS), MAX_IDLE_MS) : MAX_IDLE_MS;
      } catch (err) {
        // The store failed as a whole (the database away): keep the worker alive and retry; /readyz says why.
        failures += 1;
        wait = Math.min(ERROR_BACKOFF_MS * 2 ** (failures - 1), MAX_IDLE_MS);
        ctx.log.error('worker pass failed; retrying', { code: isJitError(err) ? err.code : 'internal_error', error: publicReason(err), retryInMs: wait });
      }
      await waker.wait(Math.min(wait, stopAt - Date.now()));
    }
  } finally {
    await watcher?.close();
    configWatcher?.close();
    await Promise.all([...inFlight.values(), delivering, following, approving]);
    await ctx.store().releaseClaims(owner).catch(() => undefined);
    await metering.close();
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  ctx.log.info('worker stopped', { sweeps: passes, ended });
  return { human: `Worker stopped after ${plural(passes, 'pass')}; ${plural(ended, 'grant')} ended.`, json: { sweeps: passes, ended }, quiet: ctx.env.JIT_LOG === 'stdout' };
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
