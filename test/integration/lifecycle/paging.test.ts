import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { requestFixture } from '../../support/request-fixture.js';

const GRANTS = 2_500;

describe('an approver with thousands of active grants in scope, through the real CLI', () => {
  let h: LifecycleHarness;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await LifecycleHarness.start();
    const store = SqliteRequestStore.open(h.databasePath);
    const now = Date.now();
    for (let i = 0; i < GRANTS; i += 1) {
      const id = `req_${String(i).padStart(16, '0')}`;
      ids.push(id);
      // Far from expiry and already warned, so no sweep touches them while the test pages.
      const at = now - 3_600_000 + Math.floor(i / 5);
      await store.create(requestFixture({ id, status: 'access_granted', createdAt: at, updatedAt: at, expiresAt: now + 86_400_000, warned: true }), []);
    }
    await store.close();
  }, 120_000);
  afterAll(async () => h.close());

  it('says how many there are and how to see the rest', async () => {
    const run = await h.runText(PEOPLE.alice.email, ['list_active_access_requests']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`showing 1–25 of ${GRANTS}`);
    expect(run.stdout).toMatch(/; more: --cursor c1\.[A-Za-z0-9_-]+/);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('- req_'))).toHaveLength(25);
  });

  it('pages through all of them with --limit and --cursor, no duplicate and no gap, while requests keep arriving', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const run = await h.run(PEOPLE.alice.email, ['list_active_access_requests', '--limit', '200', ...(cursor ? ['--cursor', cursor] : [])]);
      expect(run.code, run.stdout).toBe(0);
      expect(run.json.total).toBeGreaterThanOrEqual(GRANTS);
      seen.push(...(run.json.requests as { request_id: string }[]).map((r) => r.request_id));
      cursor = run.json.next_cursor as string | null;
      // A real request, which alice approves, filed between pages.
      if (cursor && seen.length % 1000 === 0) expect((await h.request()).code).toBe(0);
    } while (cursor);
    const seeded = seen.filter((id) => ids.includes(id));
    expect(seeded).toHaveLength(GRANTS);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seeded.sort()).toEqual(ids);
  });

  it('refuses a limit over the bound and a cursor it did not give', async () => {
    expect((await h.run(PEOPLE.alice.email, ['list_active_access_requests', '--limit', '10000'])).json).toMatchObject({ code: 'list.invalid_limit' });
    expect((await h.run(PEOPLE.alice.email, ['view_user_requests', '--cursor', 'page-2'])).json).toMatchObject({ code: 'list.invalid_cursor' });
  });
});
