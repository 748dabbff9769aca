import { afterEach, describe, it } from 'vitest';
import { LifecycleHarness } from '../../support/lifecycle-harness.js';
import { killedWorker, manyWriters, workersAndToolRuns } from '../../support/race-scenarios.js';

/**
 * The multi-process races of test/integration/postgres/races.test.ts, on one SQLite file: the same scenarios,
 * so the two stores are held to the same rules. Smaller sizes; the full ones are in `npm run bench`.
 */
const SIZE = Number(process.env.JIT_RACE_SIZE ?? 150);

describe('SQLite: separate processes racing on one file', { timeout: 300_000 }, () => {
  let h: LifecycleHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it(`4 workers plus sweeps and tool runs end each of ${SIZE} due grants exactly once, with an intact chain`, async () => {
    h = await LifecycleHarness.start();
    await workersAndToolRuns(h, SIZE, 4);
  });

  it('a worker killed with SIGKILL mid-sweep loses nothing, and another worker finishes its work', async () => {
    h = await LifecycleHarness.start((config) => ((config.expiry as Record<string, unknown>).removal_lease = '2s'), { opaDeleteDelayMs: 40 });
    const harness = h;
    await killedWorker(harness, 150, async () => {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(harness.databasePath, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM requests WHERE claimed_by IS NOT NULL OR lease_owner IS NOT NULL').get() as { n: number }).n;
      } finally {
        db.close();
      }
    });
  });

  it(`8 processes writing ${SIZE} requests each (three writes per request) lose none`, async () => {
    h = await LifecycleHarness.start();
    await manyWriters(h, 'sqlite', 8, SIZE);
  });
});
