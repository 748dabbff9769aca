import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { ExpiryHarness, TOOLS, waitFor } from '../../support/expiry-harness.js';

/**
 * A worker killed (`kill -9`) in the middle of a removal leaves the removal under its lease; another worker
 * takes it over once the lease lapses, seconds later, and the grant ends exactly once. Before, the lease was a
 * fixed 60 s, so a restart did not resume the removal for a minute.
 */
describe('a worker killed mid-removal', () => {
  let x: ExpiryHarness;

  beforeAll(async () => {
    x = await ExpiryHarness.start({ removal_lease: '2s' });
  }, 180_000);
  afterAll(async () => x?.close(), 120_000);

  it('is resumed by another worker within its lease, and the grant ends exactly once', async () => {
    const id = await x.grant(TOOLS.s3);
    expect(await x.stillGranted(TOOLS.s3, id)).toBe(true);
    // The removal's first AWS call (finding the grant's policy) is held, as if AWS stalled with the worker in it.
    x.proxy.addRule({ service: 'iam', action: 'ListPolicies', effect: { kind: 'hold' }, times: 1 });
    await x.expireNow([id]);
    const first = x.startWorker();
    await x.proxy.waitForHeld(1, 90_000);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await first.exited).toBe('SIGKILL');
    expect((await x.request(id)).status).toBe('ending');

    const second = x.startWorker();
    try {
      await waitFor(async () => !(await x.stillGranted(TOOLS.s3, id)) && (await x.request(id)).status === 'access_expired', 'the removal to be taken over', 90_000);
      // Lease 2 s plus a worker's start on a loaded machine; the old fixed lease alone was 60 s.
      expect(Date.now() - killedAt).toBeLessThan(40_000);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
    const store = SqliteRequestStore.open(x.h.databasePath);
    const events = (await store.auditEvents({ requestId: id })).map((e) => e.type);
    await store.close();
    expect(events.filter((t) => t === 'expiry_started')).toHaveLength(1);
    expect(events.filter((t) => t === 'access_expired')).toHaveLength(1);
    expect((await x.run(undefined, ['audit', 'verify'])).code).toBe(0);
  }, 240_000);
});
