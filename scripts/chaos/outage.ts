import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { FaultEffect } from '../standins/fault-proxy.js';
import type { ChaosWorld } from './chaos-world.js';
import { seconds, type ChaosResult } from './scenario.js';

/** How long the outage lasts, as in the issue. */
export const OUTAGE_MS = 60_000;

/**
 * An AWS outage of `effect` (errors or throttling) on every IAM call for {@link OUTAGE_MS}, starting the
 * moment a managed-policy grant and an S3 grant fall due, with a worker running. Measures each grant's
 * overshoot (removal confirmed − expiry) against the aim, outage + 15 s.
 */
export async function runAwsOutage(world: ChaosWorld, effect: FaultEffect): Promise<ChaosResult> {
  const ids = [await world.grant('policy'), await world.grant('s3')];
  const worker = world.startWorker();
  const dueAt = Date.now() + 3_000;
  world.proxy.addRule({ service: 'iam', effect, fromMs: dueAt, untilMs: dueAt + OUTAGE_MS });
  await world.expireAt(ids, dueAt);
  const rows = await world.waitEnded(ids, OUTAGE_MS + 180_000);
  await worker.stop();
  const overshoots = rows.map((r) => r.endedAt! - dueAt);
  const attempts = await failedAttempts(world, ids);
  const calls = world.proxy.calls().filter((c) => c.outcome === effect.kind).length;
  return {
    measuredMs: Math.max(...overshoots),
    aimMs: OUTAGE_MS + 15_000,
    details: [
      `overshoots: managed policy ${seconds(overshoots[0]!)}, S3 policy ${seconds(overshoots[1]!)} (outage ${seconds(OUTAGE_MS)})`,
      `failed removal attempts: ${attempts.join(' and ')}; AWS calls answered with ${effect.kind}: ${calls}`,
      `the previous schedule (5 s doubling) would have made its first attempt after the outage at +${seconds(previousScheduleOvershoot(OUTAGE_MS))}`,
    ],
  };
}

async function failedAttempts(world: ChaosWorld, ids: string[]): Promise<number[]> {
  const store = SqliteRequestStore.open(world.databasePath);
  try {
    return await Promise.all(ids.map(async (id) => (await store.auditEvents({ requestId: id })).filter((e) => e.type === 'revocation_failed').length));
  } finally {
    await store.close();
  }
}

/** When the old retry schedule (5 s × 2^(n−1), capped at 15 min) first tried after an outage of `outageMs`. */
function previousScheduleOvershoot(outageMs: number): number {
  let at = 0;
  for (let attempt = 1; at < outageMs; attempt += 1) at += Math.min(5_000 * 2 ** (attempt - 1), 15 * 60_000);
  return at;
}
