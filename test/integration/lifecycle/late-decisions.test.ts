import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { requestFixture } from '../../support/request-fixture.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('decisions and listings at the edges', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      (config.approvals as Record<string, unknown>).timeout = '2s';
    });
  });
  afterAll(async () => h.close());

  it('refuses to approve a request past its approval timeout even when no sweep has closed it yet', async () => {
    const id = (await h.request()).json.request_id as string;
    await sleep(2100);
    // Three older overdue requests take the bounded sweep that runs before the approval, so this request is
    // still pending when the approval looks at it.
    const store = SqliteRequestStore.open(h.databasePath);
    for (const n of [1, 2, 3]) await store.create(requestFixture({ id: `req_older_overdue_${n}`, createdAt: Date.now() - 60_000 * n, updatedAt: Date.now() - 60_000 * n }), []);
    await store.close();
    const run = await h.approve(id, PEOPLE.alice.email);
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('approval.timed_out');
    expect(h.grants()[id]).toBeUndefined();
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('timed_out');
  });

  it('view_user_requests filters by status', async () => {
    const pending = (await h.request()).json.request_id as string;
    const cancelled = (await h.request()).json.request_id as string;
    await h.run(PEOPLE.dev.email, ['cancel_access_request', '--request_id', cancelled]);
    const ids = async (status: string) =>
      ((await h.run(PEOPLE.dev.email, ['view_user_requests', '--status', status])).json.requests as { request_id: string }[]).map((r) => r.request_id);
    expect(await ids('cancelled')).toContain(cancelled);
    expect(await ids('cancelled')).not.toContain(pending);
    const invalid = await h.run(PEOPLE.dev.email, ['view_user_requests', '--status', 'granted-ish']);
    expect(invalid.json.code).toBe('list.invalid_status');
  });
});
