/**
 * Measures access analytics over 100,000 requests created in the last 30 days, with the audit events the
 * package writes for each (about seven a request), refusals, removal retries and daily reconcile runs. The
 * database is built once and kept in the temporary folder (building it hashes 700,000 chained events), then
 * analytics runs in this process through the SQLite store: the figures alone; with the audit-chain check the
 * report includes, from a checkpoint one day of events back (a daily digest's run); and once with no
 * checkpoint, rehashing the whole chain.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import { DEFAULT_ANALYTICS_SETTINGS, type AnalyticsReport } from '../core/analytics/analytics-types.js';
import { accessAnalytics } from '../core/use-cases/access-analytics.js';
import { writeHistory } from './analytics-history.js';

const REQUESTS = 100_000;
const RUNS = 3;
// A fixed "now", so the kept database and every run see the same window.
const NOW = Date.parse('2026-11-01T00:00:00Z');
const FILE = join(tmpdir(), `kubiya-jit-analytics-bench-${REQUESTS}-v1.sqlite`);

/** Median wall and CPU milliseconds of the runs, and what the report counted. */
export interface AnalyticsBench {
  requests: number;
  events: number;
  built: boolean;
  figuresMs: number;
  figuresCpuMs: number;
  /** With the chain checked from a checkpoint one day of events back, as a daily run finds it. */
  withChainMs: number;
  withChainCpuMs: number;
  rehashed: number;
  /** One run with no checkpoint: the whole chain rehashed (what the first run, or audit verify, costs). */
  wholeChainMs: number;
  report: AnalyticsReport;
}

/** Builds (or reuses) the database, then times analytics `RUNS` times each way. */
export async function benchAnalytics(): Promise<AnalyticsBench> {
  const built = !existsSync(FILE);
  if (built) await build();
  const store = SqliteRequestStore.open(FILE);
  try {
    const clock = { now: () => NOW };
    const run = (checkChain: boolean) => accessAnalytics({ store, clock }, DEFAULT_ANALYTICS_SETTINGS, { since: '30d', checkChain });
    await run(false); // warm the page cache and the JIT once
    const figures = await timed(() => run(false));
    // The checkpoint a daily run would start from: a thirtieth of the 30 days' events back from the head.
    store.unsafeExec('DELETE FROM audit_checkpoints');
    const whole = await timed(() => run(true), 1);
    const head = whole.result.security.auditChain.events ?? 0;
    const [dayBack] = await store.auditEvents({ fromSeq: head - Math.round(head / 30) });
    const fromDayBack = async () => {
      store.unsafeExec('DELETE FROM audit_checkpoints');
      await store.saveAuditCheckpoint({ seq: dayBack!.seq, hash: dayBack!.hash, verifiedAt: NOW - 86_400_000 });
    };
    const withChain = await timed(() => run(true), RUNS, fromDayBack);
    return {
      requests: figures.result.usage.requests,
      events: head,
      built,
      figuresMs: figures.wall,
      figuresCpuMs: figures.cpu,
      withChainMs: withChain.wall,
      withChainCpuMs: withChain.cpu,
      rehashed: withChain.result.security.auditChain.sinceCheckpoint?.rehashed ?? 0,
      wholeChainMs: whole.wall,
      report: withChain.result,
    };
  } finally {
    await store.close();
  }
}

async function build(): Promise<void> {
  const partial = `${FILE}.building`;
  rmSync(partial, { force: true });
  const store = SqliteRequestStore.open(partial);
  // One transaction for the whole history: the store's own transactions nest inside it as savepoints.
  store.unsafeExec('BEGIN');
  await writeHistory(store, { requests: REQUESTS, from: NOW - 30 * 86_400_000, to: NOW });
  store.unsafeExec('COMMIT');
  store.unsafeExec('PRAGMA wal_checkpoint(TRUNCATE)');
  await store.close();
  renameSync(partial, FILE);
}

/** Median wall and CPU time of `runs` calls of `fn`, each after `before` (not timed). */
async function timed<T>(fn: () => Promise<T>, runs = RUNS, before?: () => Promise<void>): Promise<{ wall: number; cpu: number; result: T }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i += 1) {
    await before?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = await fn();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus), result: result! };
}
