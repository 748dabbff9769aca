import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { requestFixture } from '../../support/request-fixture.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

/**
 * Several sweepers at once (a worker, a scheduled sweep, tool runs' opportunistic sweeps), as separate
 * processes on one SQLite file: every due grant ends exactly once, nothing is lost to SQLITE_BUSY, and the
 * audit chain stays intact.
 */
describe('several sweepers at once', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('ends each expired grant once, with one expiry event each', async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `req_parallel_${String(i).padStart(4, '0')}`);
    const store = SqliteRequestStore.open(h.databasePath);
    const past = Date.now() - 60_000;
    for (const id of ids) {
      await store.create(requestFixture({ id, status: 'access_granted', decidedBy: PEOPLE.alice.email, warned: true, expiresAt: past, createdAt: past - 3_600_000, updatedAt: past }), [
        // audit verify expects every stored request to have been created through the log.
        { requestId: id, type: 'request_created', actor: PEOPLE.dev.email, at: past - 3_600_000, data: {} },
      ]);
    }
    await store.close();

    const runs = await Promise.all([
      h.run(undefined, ['sweep']),
      h.run(undefined, ['sweep']),
      h.run(undefined, ['sweep']),
      h.run(PEOPLE.carol.email, ['list_active_access_requests']),
      h.run(PEOPLE.dev.email, ['view_user_requests']),
    ]);
    for (const run of runs.slice(0, 3)) expect(run.json.errors, run.stdout).toEqual([]);
    // Whatever the opportunistic sweeps of the two tool runs did not take, the sweeps did: each id exactly once.
    const sweptBySweeps = runs.slice(0, 3).flatMap((run) => run.json.expired as string[]);
    expect(new Set(sweptBySweeps).size).toBe(sweptBySweeps.length);

    const after = SqliteRequestStore.open(h.databasePath);
    for (const id of ids) {
      expect((await after.get(id))?.status).toBe('access_expired');
      const events = (await after.auditEvents({ requestId: id })).map((e) => e.type);
      expect(events.filter((t) => t === 'expiry_started')).toHaveLength(1);
      expect(events.filter((t) => t === 'access_expired')).toHaveLength(1);
    }
    await after.close();
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
  });
});
