import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: one person cannot create without bound. Past requesters.max_requests_per_hour their next
// request is refused and stores nothing; past approvals.max_refused_decisions a request collects no more
// decision_refused events, and the attempt is still refused.

describe('what one person can create', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      config.requesters = { allowed_groups: ['engineering'], allow_on_behalf: true, max_requests_per_hour: 2 };
      (config.approvals as Record<string, unknown>).max_refused_decisions = 2;
    });
  });
  afterAll(async () => h.close());

  async function footprint(): Promise<{ rows: number; events: number; messages: number }> {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return { rows: (await store.list({ limit: 10_000 })).length, events: (await store.auditEvents()).length, messages: h.slack.messages.length };
    } finally {
      await store.close();
    }
  }

  it('refuses a request past the hourly bound, storing and sending nothing', async () => {
    for (let i = 0; i < 2; i += 1) expect((await h.request()).code).toBe(0);
    const before = await footprint();
    const third = await h.request();
    expect(third.json.code, third.stdout).toBe('request.rate_limited');
    expect(third.json.message).toMatch(/2 access requests in the last hour.*requesters\.max_requests_per_hour.*Nothing was stored/);
    expect(await footprint()).toEqual(before);
  });

  it('counts requests made on someone\'s behalf against whoever made them', async () => {
    for (let i = 0; i < 2; i += 1) expect((await h.request({ user_email: PEOPLE.carol.email }, PEOPLE.alice.email)).code).toBe(0);
    const before = await footprint();
    expect((await h.request({ user_email: PEOPLE.carol.email }, PEOPLE.alice.email)).json.code).toBe('request.rate_limited');
    expect(await footprint()).toEqual(before);
    // Carol, for whom they were made, still has her own allowance.
    expect((await h.request({}, PEOPLE.carol.email)).code).toBe(0);
  });

  it('records at most max_refused_decisions refusals per request; the next is refused and stores nothing', async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    const pending = (await store.list({ requester: PEOPLE.carol.email, statuses: ['approval_pending'], limit: 1 }))[0]!;
    await store.close();
    for (let i = 0; i < 2; i += 1) expect((await h.approve(pending.id, PEOPLE.mallory.email)).json.code).toBe('approval.not_eligible');
    const before = await footprint();
    const third = await h.approve(pending.id, PEOPLE.mallory.email);
    expect(third.json.code, third.stdout).toBe('approval.too_many_refusals');
    expect(third.json.message).toMatch(/approvals\.max_refused_decisions.*nothing was stored/);
    expect(third.stdout).not.toContain(PEOPLE.carol.email);
    expect(await footprint()).toEqual(before);
    // A real approver still decides.
    expect((await h.approve(pending.id, PEOPLE.bob.email)).json.status).toBe('access_granted');
  });
});

describe('reasons', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('an approver\'s rejection reason reaches the requester and the audit log', async () => {
    const id = (await h.request()).json.request_id as string;
    const run = await h.run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'reject', '--reason', 'Use the staging account instead']);
    expect(run.json).toMatchObject({ status: 'access_denied', end_reason: 'Use the staging account instead' });
    const dm = h.directMessages().map((m) => JSON.stringify(m.blocks ?? [])).find((b) => b.includes(id));
    expect(dm).toContain('Use the staging account instead');
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    const history = described.json.history as { type: string; data: Record<string, unknown> }[];
    expect(history.find((e) => e.type === 'request_rejected')?.data.reason).toBe('Use the staging account instead');
  });

  it('revoke_access without a reason is refused and changes nothing', async () => {
    const id = (await h.request()).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    for (const args of [['revoke_access', '--request_id', id], ['revoke_access', '--request_id', id, '--reason', '   ']]) {
      const run = await h.run(PEOPLE.dev.email, args);
      expect(run.json.code, run.stdout).toBe('revoke.missing_reason');
    }
    expect(h.grants()[id]).toBeDefined();
    expect((await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id])).json.status).toBe('access_granted');
  });
});
