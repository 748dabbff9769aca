import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { requestFixture } from '../../support/request-fixture.js';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

const dmText = (h: LifecycleHarness) => h.directMessages().map((m) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`).join('\n');

describe('ending access early, and what happens when a part fails', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  async function granted(): Promise<string> {
    const id = (await h.request()).json.request_id as string;
    const approve = await h.approve(id, PEOPLE.alice.email);
    expect(approve.code, approve.stdout).toBe(0);
    return id;
  }

  it('lets the requester end their own access ("I\'m done")', async () => {
    const id = await granted();
    const run = await h.run(PEOPLE.dev.email, ['revoke_access', '--request_id', id, '--reason', "I'm done"]);
    expect(run.json).toMatchObject({ status: 'revoked', end_reason: "I'm done" });
    expect(h.grants()[id]).toBeUndefined();
    expect(dmText(h)).toMatch(/revoked/i);
  });

  it('refuses a revocation by someone who is neither requester nor approver', async () => {
    const id = await granted();
    const run = await h.run(PEOPLE.carol.email, ['revoke_access', '--request_id', id, '--reason', 'Done with it']);
    expect(run.json.code).toBe('revoke.not_allowed');
    expect(h.grants()[id]).toBeDefined();
  });

  it('keeps retrying a removal the Enforcer refuses, alerts the approvers, and finishes once it recovers', async () => {
    const id = await granted();
    h.opa.injectFault({ status: 500, times: 2 });
    const first = await h.run(PEOPLE.dev.email, ['revoke_access', '--request_id', id, '--reason', 'Done with it']);
    expect(first.code).toBe(1);
    expect(first.json).toMatchObject({ status: 'ending' });
    expect(first.json.last_error).toMatch(/500/);
    await sleep(1100); // the first backoff step, capped by max_retry_delay: 1s
    const second = await h.run(undefined, ['sweep']);
    expect(second.json.retrying).toEqual([id]);
    const alerts = h.messagesIn(APPROVERS_CHANNEL).filter((m) => `${m.text ?? ''}${JSON.stringify(m.blocks ?? [])}`.includes('has failed 2 times'));
    expect(alerts).toHaveLength(1);
    await sleep(1100);
    const third = await h.run(undefined, ['sweep']);
    expect(third.json.expired).toEqual([id]);
    expect(h.grants()[id]).toBeUndefined();
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('revoked');
  });

  it('closes a request whose approvers message could not be posted, and tells the requester', async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const run = await h.request();
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('request.approvers_not_notified');
    expect(run.json.message).toMatch(/Nothing was granted/);
    const store = SqliteRequestStore.open(h.databasePath);
    const pending = await store.list({ statuses: ['approval_pending'], requester: PEOPLE.dev.email, limit: 100 });
    const failed = (await store.list({ statuses: ['failed'], limit: 100 })).filter((r) => (r.endReason ?? '').includes('not notified'));
    await store.close();
    expect(pending.some((r) => r.createdAt > Date.now() - 5000)).toBe(false);
    expect(failed.length).toBeGreaterThan(0);
  });

  it('fails a grant the Enforcer refuses, leaving nothing granted', async () => {
    const id = (await h.request()).json.request_id as string;
    h.opa.injectFault({ status: 500, times: 1 });
    const run = await h.approve(id, PEOPLE.alice.email);
    expect(run.json.code).toBe('grant.failed');
    expect(h.grants()[id]).toBeUndefined();
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('failed');
  });

  it('cleans up after a run that died while granting', async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    const stale = requestFixture({ id: 'req_crashed00000001', status: 'granting', decidedBy: PEOPLE.alice.email, expiresAt: Date.now() + 3_600_000, createdAt: Date.now() - 3_600_000, updatedAt: Date.now() - 3_600_000 });
    await store.create(stale, []);
    await store.close();
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.reconciled).toContain(stale.id);
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', stale.id]);
    expect(described.json.status).toBe('failed');
  });

  it('times out a request nobody decides and tells the requester', async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    await store.create(requestFixture({ id: 'req_old0000000000001', createdAt: Date.now() - 7_200_000, updatedAt: Date.now() - 7_200_000 }), []);
    await store.close();
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.timed_out).toContain('req_old0000000000001');
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', 'req_old0000000000001']);
    expect(described.json).toMatchObject({ status: 'timed_out' });
    expect(dmText(h)).toMatch(/req_old0000000000001/);
  });
});
