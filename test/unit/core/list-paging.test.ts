import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { listActiveRequests, searchRequests, viewUserRequests, type ListInput } from '../../../scripts/core/use-cases/queries.js';
import { requestFixture } from '../../support/request-fixture.js';

const ALICE = 'alice@example.com';
const GRANTS = 10_000;

describe('listings page through everything in scope, and say how much there is', () => {
  let dir: string;
  let store: SqliteRequestStore;
  const clock = new ManualClock(1_900_000_000_000);
  const deps = () => ({ store, clock });
  const ids: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jit-paging-'));
    store = SqliteRequestStore.open(join(dir, 'jit.sqlite'));
    // Ten thousand active grants alice approves, several per millisecond so the id tie-break matters,
    // and some she does not, which must never show.
    for (let i = 0; i < GRANTS; i += 1) {
      const id = `req_${String(i).padStart(16, '0')}`;
      ids.push(id);
      const at = 1_800_000_000_000 + Math.floor(i / 4);
      await store.create(requestFixture({ id, status: 'access_granted', createdAt: at, updatedAt: at, expiresAt: at + 3_600_000, warned: true }), []);
    }
    for (let i = 0; i < 50; i += 1) {
      await store.create(requestFixture({ id: `req_other_${i}`, status: 'access_granted', approvers: ['bob@example.com'], createdAt: 1_800_000_000_000 + i }), []);
    }
  }, 120_000);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows 25 by default, with the total and a cursor for the rest', async () => {
    const page = await listActiveRequests(deps(), { actorEmail: ALICE });
    expect(page.requests).toHaveLength(25);
    expect(page.total).toBe(GRANTS);
    expect(page.nextCursor).toMatch(/^c1\./);
    // Newest first.
    expect(page.requests[0]!.id).toBe(ids[GRANTS - 1]);
  });

  it('pages through all of them with no duplicate and no gap, while new requests are filed between pages', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const input: ListInput = { actorEmail: ALICE, limit: '200', ...(cursor ? { cursor } : {}) };
      const page = await listActiveRequests(deps(), input);
      expect(page.offset).toBe(seen.length);
      seen.push(...page.requests.map((r) => r.id));
      cursor = page.nextCursor;
      pages += 1;
      // A new request in alice's scope arrives after every page: it is newer, so it shows on a first page, not here.
      await store.create(requestFixture({ id: `req_new_${pages}`, status: 'approval_pending', createdAt: clock.now() + pages }), []);
    } while (cursor);
    expect(pages).toBe(GRANTS / 200);
    expect(seen).toHaveLength(GRANTS);
    expect(new Set(seen).size).toBe(GRANTS);
    expect([...seen].sort()).toEqual(ids);
    expect((await listActiveRequests(deps(), { actorEmail: ALICE, limit: 1 })).total).toBe(GRANTS + pages);
  });

  it('keeps the filters across pages (search, view)', async () => {
    const first = await searchRequests(deps(), { actorEmail: ALICE, query: 'INC-42', status: 'access_granted', limit: 100 });
    expect(first.total).toBe(GRANTS);
    const second = await searchRequests(deps(), { actorEmail: ALICE, query: 'INC-42', status: 'access_granted', limit: 100, cursor: first.nextCursor });
    expect(second.offset).toBe(100);
    expect(second.requests[0]!.createdAt).toBeLessThanOrEqual(first.requests[99]!.createdAt);
    const own = await viewUserRequests(deps(), { actorEmail: 'dev@example.com', limit: 5 });
    expect(own.total).toBeGreaterThanOrEqual(GRANTS);
    expect(own.requests).toHaveLength(5);
  });

  it('reads since with the same duration parser as a TTL, or as a date', async () => {
    const newest = clock.now() - 1;
    await store.create(requestFixture({ id: 'req_since_probe', createdAt: newest, requester: ALICE, justification: 'since-probe' }), []);
    await store.create(requestFixture({ id: 'req_since_old', createdAt: newest - 3 * 86_400_000, requester: ALICE, justification: 'since-probe' }), []);
    for (const since of ['90m', '1h30m', 'PT2H', '1d', new Date(newest - 86_400_000).toISOString().slice(0, 10)]) {
      const page = await searchRequests(deps(), { actorEmail: ALICE, since, query: 'since-probe' });
      expect(page.requests.map((r) => r.id), since).toEqual(['req_since_probe']);
    }
    expect((await searchRequests(deps(), { actorEmail: ALICE, since: '1w', query: 'since-probe' })).total).toBe(2);
    await expect(searchRequests(deps(), { actorEmail: ALICE, since: '0m' })).rejects.toMatchObject({ code: 'list.invalid_since' });
    await expect(searchRequests(deps(), { actorEmail: ALICE, since: 'yesterday' })).rejects.toMatchObject({ code: 'list.invalid_since' });
  });

  it.each(['0', '201', '-1', '2.5', 'all', '1e3'])('refuses limit %j, naming the range', async (limit) => {
    await expect(listActiveRequests(deps(), { actorEmail: ALICE, limit })).rejects.toMatchObject({ code: 'list.invalid_limit', message: expect.stringContaining('1 to 200') });
  });

  it.each(['abc', 'c1.', 'c1.!!', `c1.${Buffer.from('x.y.z').toString('base64url')}`, `c1.${Buffer.from("1.0.req'; DROP TABLE requests").toString('base64url')}`])(
    'refuses cursor %j as not one it gave',
    async (cursor) => {
      await expect(listActiveRequests(deps(), { actorEmail: ALICE, cursor })).rejects.toMatchObject({ code: 'list.invalid_cursor' });
    },
  );
});
