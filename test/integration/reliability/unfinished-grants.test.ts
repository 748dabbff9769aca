import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import type { AccessRequest } from '../../../scripts/core/types.js';
import { requestFixture } from '../../support/request-fixture.js';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

/**
 * A grant a run could not finish (it died while `granting`, its TTL ran out first, or its undo failed) must be
 * removed like any other access: retried with backoff until the removal succeeds, alerted once, never closed
 * while something may still be granted, and never hammered on every sweep.
 */
describe('grants a run could not finish', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    // A long backoff, so a second sweep right after a failure must not call the Enforcer again.
    h = await LifecycleHarness.start((config) => {
      config.expiry = { warn_before: '1s', alert_after_failures: 2, max_retry_delay: '10m' };
    });
  });
  afterAll(async () => h.close());

  async function seed(request: AccessRequest): Promise<void> {
    const store = SqliteRequestStore.open(h.databasePath);
    await store.create(request, []);
    await store.close();
  }

  /** Moves the row's next attempt into the past, as if the backoff had elapsed. */
  async function elapseBackoff(id: string): Promise<void> {
    const store = SqliteRequestStore.open(h.databasePath);
    const row = (await store.get(id))!;
    expect(row.nextAttemptAt, 'a backoff was recorded').toBeDefined();
    expect(await store.update(row, { ...row, version: row.version + 1, nextAttemptAt: Date.now() - 1 }, [])).toBe(true);
    await store.close();
  }

  /** Moves the row's next attempt ten minutes ahead, as a removal failing for long would be spaced. */
  async function postponeBackoff(id: string): Promise<void> {
    const store = SqliteRequestStore.open(h.databasePath);
    const row = (await store.get(id))!;
    expect(row.nextAttemptAt! - row.updatedAt, 'the next attempt was put off').toBeGreaterThan(0);
    expect(await store.update(row, { ...row, version: row.version + 1, nextAttemptAt: Date.now() + 600_000 }, [])).toBe(true);
    await store.close();
  }

  /** Puts an allow for `id` into the OPA stand-in, as a grant whose PUT landed would have. */
  function plantGrant(id: string, expiresAt: number): void {
    const data = h.opa.data as { kubiya?: { jit?: { grants?: Record<string, unknown> } } };
    data.kubiya ??= {};
    data.kubiya.jit ??= {};
    data.kubiya.jit.grants ??= {};
    data.kubiya.jit.grants[id] = { user_email: PEOPLE.dev.email, tool_name: 'create_ec2', parameters: { region: 'eu-west-1' }, expires_at_ns: expiresAt * 1_000_000 };
  }

  const describeAs = (id: string) => h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
  const deletesOf = (id: string) => h.opa.requests.filter((r) => r.method === 'DELETE' && r.path.includes(id)).length;
  const alertsFor = (id: string) =>
    h.messagesIn(APPROVERS_CHANNEL).filter((m) => `${m.text ?? ''}${JSON.stringify(m.blocks ?? [])}`.includes(`Removing access for request ${id}`));

  it('retries the clean-up of an abandoned grant with backoff, alerts once, and closes it only once the removal succeeded', async () => {
    const id = 'req_reliab_abandon01';
    const longAgo = Date.now() - 3_600_000;
    await seed(requestFixture({ id, status: 'granting', decidedBy: PEOPLE.alice.email, expiresAt: Date.now() + 3_600_000, createdAt: longAgo, updatedAt: longAgo }));
    plantGrant(id, Date.now() + 3_600_000);

    h.opa.injectFault({ status: 500, times: 1 });
    const first = await h.run(undefined, ['sweep']);
    expect(first.code).toBe(1);
    expect(first.json.retrying).toEqual([id]);
    // While its next attempt is not due, the removal is not tried again: no tight retry loop. (The first retries
    // come seconds apart, which a loaded machine can outlast between two CLI runs, so the wait is made long
    // before any other run, a describe included, could retry it.)
    await postponeBackoff(id);
    const afterFirst = await describeAs(id);
    expect(afterFirst.json.status).toBe('granting');
    expect(String(afterFirst.json.last_error)).toMatch(/500/);
    const deletes = deletesOf(id);
    const second = await h.run(undefined, ['sweep']);
    expect(second.json.retrying).toEqual([]);
    expect(second.json.errors).toEqual([]);
    expect(deletesOf(id)).toBe(deletes);

    await elapseBackoff(id);
    h.opa.injectFault({ status: 500, times: 1 });
    expect((await h.run(undefined, ['sweep'])).json.retrying).toEqual([id]);
    expect(alertsFor(id)).toHaveLength(1);

    await elapseBackoff(id);
    const last = await h.run(undefined, ['sweep']);
    expect(last.json.reconciled).toEqual([id]);
    expect(h.grants()[id]).toBeUndefined();
    expect((await describeAs(id)).json.status).toBe('failed');
    expect(alertsFor(id)).toHaveLength(1);
  });

  it('does not close an abandoned grant whose tool left the config (a row from before grantedWith) as if nothing were granted', async () => {
    const id = 'req_reliab_retired01';
    const longAgo = Date.now() - 3_600_000;
    await seed(requestFixture({ id, toolName: 'retired_tool', status: 'granting', decidedBy: PEOPLE.alice.email, expiresAt: Date.now() + 3_600_000, createdAt: longAgo, updatedAt: longAgo }));
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.reconciled).not.toContain(id);
    expect(sweep.json.retrying).toEqual([id]);
    const described = await describeAs(id);
    expect(described.json.status).toBe('granting');
    expect(String(described.json.last_error)).toMatch(/retired_tool is no longer configured/);
  });

  it('removes a grant whose TTL ends while its run is still (or was last seen) granting, without waiting for the lease', async () => {
    const id = 'req_reliab_expired01';
    const recently = Date.now() - 10_000; // well inside the 15 min granting lease
    await seed(requestFixture({ id, status: 'granting', decidedBy: PEOPLE.alice.email, ttlSeconds: 5, expiresAt: Date.now() - 1000, createdAt: recently, updatedAt: recently }));
    plantGrant(id, Date.now() + 3_600_000);
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.reconciled).toEqual([id]);
    expect(h.grants()[id]).toBeUndefined();
    expect((await describeAs(id)).json.status).toBe('failed');
  });

  it('keeps removing a grant whose answer was lost and whose undo failed, instead of closing it "nothing left granted"', async () => {
    const id = (await h.request()).json.request_id as string;
    // The PUT reaches OPA but its answer is lost (here: the allow is there, the client sees a 500), then the undo fails too.
    plantGrant(id, Date.now() + 3_600_000);
    h.opa.injectFault({ status: 500, times: 2 });
    const approve = await h.approve(id, PEOPLE.alice.email);
    expect(approve.code).toBe(1);
    expect(approve.json.code).toBe('grant.failed');
    expect(String(approve.json.message)).not.toMatch(/Nothing was left granted/);

    await elapseBackoff(id);
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.reconciled).toEqual([id]);
    expect(h.grants()[id]).toBeUndefined();
    expect((await describeAs(id)).json.status).toBe('failed');
  });
});
