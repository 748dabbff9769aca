import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import type { DueThresholds } from '../../../scripts/core/ports.js';
import type { AccessRequest } from '../../../scripts/core/types.js';
import { requestFixture } from '../../support/request-fixture.js';

const T: DueThresholds = { warnBeforeMs: 60_000, approvalTimeoutMs: 3_600_000, grantingLeaseMs: 900_000 };
const BASE = 1_800_000_000_000;

/**
 * The worker sleeps until `nextDueAt` and then asks `due` for work. If the two disagree about a row, the worker
 * either wakes for nothing in a tight loop (nextDueAt says due, due() never returns it) or sleeps past real
 * work (due() would return it, nextDueAt says later). For every kind of row, the instant `nextDueAt` reports
 * must be exactly the first instant `due` returns something.
 */
describe('nextDueAt and due agree', () => {
  let store: SqliteRequestStore | undefined;
  afterEach(async () => store?.close());

  const rows: [string, Partial<AccessRequest>][] = [
    ['pending', { status: 'approval_pending', createdAt: BASE, updatedAt: BASE }],
    ['granted, not warned', { status: 'access_granted', expiresAt: BASE + 600_000 }],
    ['granted, warned', { status: 'access_granted', warned: true, expiresAt: BASE + 600_000 }],
    ['granted, TTL shorter than the warning', { status: 'access_granted', expiresAt: BASE + 30_000 }],
    ['ending with a backoff', { status: 'ending', endKind: 'expire', nextAttemptAt: BASE + 20_000 }],
    ['ending without a backoff', { status: 'ending', endKind: 'expire', updatedAt: BASE + 5_000 }],
    ['granting, lease first', { status: 'granting', updatedAt: BASE, expiresAt: BASE + 7_200_000 }],
    ['granting, expiry first', { status: 'granting', updatedAt: BASE, expiresAt: BASE + 120_000 }],
    ['granting, clean-up backing off past its expiry', { status: 'granting', updatedAt: BASE, expiresAt: BASE - 1_000, nextAttemptAt: BASE + 40_000 }],
  ];

  for (const [name, overrides] of rows) {
    it(`for a row that is ${name}`, async () => {
      store = SqliteRequestStore.open(':memory:');
      await store.create(requestFixture({ id: 'req_due_agreement_1', createdAt: BASE, updatedAt: BASE, ...overrides }), []);
      const next = await store.nextDueAt(T);
      expect(next).toBeDefined();
      expect(await store.due(next! - 1, T, 10)).toHaveLength(0);
      expect(await store.due(next!, T, 10)).toHaveLength(1);
    });
  }

  const leased: [string, Partial<AccessRequest>, number][] = [
    ['ending under a live lease', { status: 'ending', endKind: 'expire', updatedAt: BASE }, BASE + 10_000],
    ['ending under a lease that ran out', { status: 'ending', endKind: 'expire', updatedAt: BASE + 5_000 }, BASE - 1_000],
    ['expired grant claimed, its claimant gone', { status: 'access_granted', warned: true, expiresAt: BASE - 60_000 }, BASE + 3_000],
    ['granting, cleaned up under a lease', { status: 'granting', updatedAt: BASE - 900_000, expiresAt: BASE + 7_200_000 }, BASE + 4_000],
  ];

  for (const [name, overrides, leaseUntil] of leased) {
    it(`for a row that is ${name}`, async () => {
      store = SqliteRequestStore.open(':memory:');
      await store.create(requestFixture({ id: 'req_due_leased_1', createdAt: BASE, updatedAt: BASE, ...overrides }), []);
      expect(await store.claimLease('req_due_leased_1', 'someone', BASE - 20_000, leaseUntil)).toBe(true);
      const next = await store.nextDueAt(T);
      expect(next).toBeDefined();
      expect(await store.due(next! - 1, T, 10)).toHaveLength(0);
      expect(await store.due(next!, T, 10)).toHaveLength(1);
    });
  }

  it('for a mix of rows, the earliest one decides', async () => {
    store = SqliteRequestStore.open(':memory:');
    for (const [i, [, overrides]] of rows.entries()) {
      await store.create(requestFixture({ id: `req_due_mix_${i}`, createdAt: BASE, updatedAt: BASE, ...overrides }), []);
    }
    const next = (await store.nextDueAt(T))!;
    expect(await store.due(next - 1, T, 100)).toHaveLength(0);
    expect((await store.due(next, T, 100)).length).toBeGreaterThan(0);
  });
});
