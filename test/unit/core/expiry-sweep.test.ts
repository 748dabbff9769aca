import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../scripts/core/errors.js';
import type { AccessProvider } from '../../../scripts/core/ports.js';
import type { AccessRequest } from '../../../scripts/core/types.js';
import { deliverOutbox } from '../../../scripts/core/use-cases/deliver-outbox.js';
import { sweepDue } from '../../../scripts/core/use-cases/sweep.js';
import { coreDeps, recordingNotifier } from '../../support/core-deps.js';
import { requestFixture } from '../../support/request-fixture.js';

const NOW = 1_800_000_000_000;
const stores: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** A provider whose revoke records the grant ids it removed; `hold` makes it wait for `release()`. */
function provider(name: string, options: { hold?: boolean; fail?: number } = {}): AccessProvider & { removed: string[]; release(): void; started: string[] } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let failures = options.fail ?? 0;
  const p = {
    name,
    removed: [] as string[],
    started: [] as string[],
    release: () => release(),
    grant: async () => undefined,
    revoke: async (ctx: { grantId: string }) => {
      p.started.push(ctx.grantId);
      if (options.hold) await gate;
      if (failures > 0) {
        failures -= 1;
        throw new Error('target refused');
      }
      p.removed.push(ctx.grantId);
    },
  };
  return p;
}

/** An active grant through `provider`, expired `agoMs` ago, with an approvers' message to update. */
function expired(id: string, providerName: string, agoMs: number, extra: Partial<AccessRequest> = {}): AccessRequest {
  return requestFixture({
    id,
    status: 'access_granted',
    toolName: `tool_${providerName}`,
    decidedBy: 'alice@example.com',
    warned: true,
    expiresAt: NOW - agoMs,
    grantedWith: { provider: providerName, settings: {} },
    approvalMessage: { channel: 'C1', ts: '1.0001' },
    ...extra,
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('expiry never waits for anything but the target', () => {
  it('removes due grants concurrently: a target that hangs delays no other removal', async () => {
    const slow = provider('slow', { hold: true });
    const fast = provider('fast');
    const deps = coreDeps({ providers: { slow, fast }, now: NOW });
    stores.push(deps.store);
    // The hanging one is the most overdue, so a one-at-a-time sweep would take it first and stall behind it.
    await deps.store.create(expired('req_slow', 'slow', 60_000), []);
    for (let i = 0; i < 5; i += 1) await deps.store.create(expired(`req_fast_${i}`, 'fast', 1_000), []);
    const sweep = sweepDue(deps, { limit: 50 });
    await until(async () => fast.removed.length === 5, 'the five other removals');
    expect((await deps.store.get('req_slow'))?.status).toBe('ending');
    for (let i = 0; i < 5; i += 1) expect((await deps.store.get(`req_fast_${i}`))?.status).toBe('access_expired');
    slow.release();
    const report = await sweep;
    expect(report.expired.sort()).toEqual(['req_fast_0', 'req_fast_1', 'req_fast_2', 'req_fast_3', 'req_fast_4', 'req_slow']);
  });

  it('runs at most expiry.concurrency removals at once', async () => {
    const slow = provider('slow', { hold: true });
    const deps = coreDeps({ providers: { slow }, now: NOW, policy: { removalConcurrency: 3 } });
    stores.push(deps.store);
    for (let i = 0; i < 7; i += 1) await deps.store.create(expired(`req_c_${i}`, 'slow', 1_000 + i), []);
    const sweep = sweepDue(deps, { limit: 50 });
    await until(async () => slow.started.length === 3, 'three removals to start');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slow.started).toHaveLength(3);
    slow.release();
    expect((await sweep).expired).toHaveLength(7);
  });

  it('a notifier that hangs delays no removal; the notices wait in the outbox and go out once it recovers', async () => {
    const fast = provider('fast');
    const hung = recordingNotifier({ mode: 'hang' });
    const deps = coreDeps({ providers: { fast }, notifier: hung, now: NOW });
    stores.push(deps.store);
    for (let i = 0; i < 4; i += 1) await deps.store.create(expired(`req_n_${i}`, 'fast', 1_000), []);
    const report = await sweepDue(deps, { limit: 50 });
    expect(report.expired).toHaveLength(4);
    expect(hung.calls).toBe(0);
    const waiting = await deps.store.outbox({ state: 'pending' });
    expect(waiting.map((m) => m.kind).sort()).toEqual([...Array(4).fill('approval_update'), ...Array(4).fill('requester_notice')]);

    const recovered = recordingNotifier();
    const delivered = await deliverOutbox({ ...deps, notifier: recovered }, { limit: 50 });
    expect(delivered).toEqual({ sent: 8, retrying: 0, abandoned: 0, unreachable: false });
    expect(recovered.sent.filter((s) => s.kind === 'notice').map((s) => [s.requestId, s.notice, s.status]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => [`req_n_${i}`, 'expired', 'access_expired']),
    );
    expect(await deps.store.outbox({ state: 'pending' })).toEqual([]);
  });

  it('retries a failed notification with backoff, gives it up after expiry.notify_attempts, and audits that', async () => {
    const fast = provider('fast');
    const deps = coreDeps({ providers: { fast }, notifier: recordingNotifier({ mode: 'fail' }), now: NOW, policy: { notifyAttempts: 2 } });
    stores.push(deps.store);
    await deps.store.create(expired('req_give_up', 'fast', 1_000, { approvalMessage: undefined }), []);
    await sweepDue(deps, { limit: 5 });
    expect(await deliverOutbox(deps, { limit: 5 })).toEqual({ sent: 0, retrying: 1, abandoned: 0, unreachable: false });
    const [waiting] = await deps.store.outbox({ state: 'pending' });
    expect(waiting!.nextAttemptAt - NOW).toBeGreaterThanOrEqual(5_000);
    // Not due yet: nothing is claimed, so a failing Slack is not hammered.
    expect(await deliverOutbox(deps, { limit: 5 })).toEqual({ sent: 0, retrying: 0, abandoned: 0, unreachable: false });
    deps.clock.advance(10_000);
    expect(await deliverOutbox(deps, { limit: 5 })).toEqual({ sent: 0, retrying: 0, abandoned: 1, unreachable: false });
    expect(await deps.store.outbox({ state: 'abandoned' })).toHaveLength(1);
    expect((await deps.store.auditEvents({ requestId: 'req_give_up' })).map((e) => e.type)).toContain('notification_abandoned');
    expect(deps.logged.some((l) => l.level === 'error' && l.message === 'notification given up')).toBe(true);
  });

  it('stops sending once the notifier does not answer, so a hung Slack costs one timeout, not one per message', async () => {
    const fast = provider('fast');
    const unreachable = recordingNotifier({ mode: 'fail', error: new UpstreamError('slack.unreachable', 'Could not reach Slack.') });
    const deps = coreDeps({ providers: { fast }, notifier: unreachable, now: NOW });
    stores.push(deps.store);
    for (let i = 0; i < 6; i += 1) await deps.store.create(expired(`req_trip_${i}`, 'fast', 1_000), []);
    await sweepDue(deps, { limit: 50 });
    const report = await deliverOutbox(deps, { limit: 50, concurrency: 2 });
    expect(report.unreachable).toBe(true);
    // Two lanes, each stopped after its first failure: the other ten messages were not tried, and wait.
    expect(unreachable.calls).toBe(2);
    expect(report.retrying).toBe(2);
    expect(await deps.store.outbox({ state: 'pending' })).toHaveLength(12);
  });

  it('drops an expiry warning that could not be sent before the access ended', async () => {
    const fast = provider('fast');
    const deps = coreDeps({ providers: { fast }, notifier: recordingNotifier({ mode: 'fail' }), now: NOW });
    stores.push(deps.store);
    await deps.store.create(expired('req_warn_late', 'fast', -5_000, { warned: false }), []);
    expect((await sweepDue(deps, { limit: 5 })).warned).toEqual(['req_warn_late']);
    await deliverOutbox(deps, { limit: 5 });
    deps.clock.advance(60_000);
    await sweepDue(deps, { limit: 5 });
    const ok = recordingNotifier();
    await deliverOutbox({ ...deps, notifier: ok }, { limit: 10 });
    expect(ok.sent.filter((s) => s.kind === 'notice').map((s) => s.notice)).toEqual(['expired']);
  });
});

describe('removal leases', () => {
  it('skips a removal another live process holds, and takes it over once its lease ran out', async () => {
    const fast = provider('fast');
    const deps = coreDeps({ providers: { fast }, now: NOW, owner: 'me', policy: { removalLeaseSeconds: 10 } });
    stores.push(deps.store);
    await deps.store.create(expired('req_taken', 'fast', 30_000, { status: 'ending', endKind: 'expire' }), []);
    expect(await deps.store.claimLease('req_taken', 'a-worker-that-died', NOW, NOW + 10_000)).toBe(true);
    expect((await sweepDue(deps, { limit: 5 })).expired).toEqual([]);
    expect(fast.started).toEqual([]);
    deps.clock.advance(10_000);
    expect((await sweepDue(deps, { limit: 5 })).expired).toEqual(['req_taken']);
    expect((await deps.store.get('req_taken'))?.status).toBe('access_expired');
  });

  it('renews the lease while a long removal runs, without changing the request', async () => {
    const slow = provider('slow', { hold: true });
    const deps = coreDeps({ providers: { slow }, now: NOW, owner: 'me', policy: { removalLeaseSeconds: 2 } });
    stores.push(deps.store);
    await deps.store.create(expired('req_long', 'slow', 1_000), []);
    const sweep = sweepDue(deps, { limit: 5 });
    await until(async () => slow.started.length === 1, 'the removal to start');
    const version = (await deps.store.get('req_long'))!.version;
    // Past the first lease's end: only a renewal keeps another process from taking the removal.
    deps.clock.advance(1_500);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await deps.store.claimLease('req_long', 'other', NOW + 2_500, NOW + 12_500)).toBe(false);
    expect((await deps.store.get('req_long'))!.version).toBe(version);
    slow.release();
    expect((await sweep).expired).toEqual(['req_long']);
    // Released at the end: nothing is left leased.
    expect(await deps.store.claimLease('req_long', 'other', NOW + 2_500, NOW + 12_500)).toBe(true);
  });

  it('schedules failed removals seconds apart and forgets the failure once the removal succeeds', async () => {
    const flaky = provider('flaky', { fail: 2 });
    const deps = coreDeps({ providers: { flaky }, now: NOW });
    stores.push(deps.store);
    await deps.store.create(expired('req_flaky', 'flaky', 1_000), []);
    expect((await sweepDue(deps, { limit: 5 })).retrying).toEqual(['req_flaky']);
    const first = (await deps.store.get('req_flaky'))!;
    expect(first.failingSince).toBe(NOW);
    expect(first.nextAttemptAt! - NOW).toBeLessThanOrEqual(3_000);
    deps.clock.advance(3_000);
    expect((await sweepDue(deps, { limit: 5 })).retrying).toEqual(['req_flaky']);
    const second = (await deps.store.get('req_flaky'))!;
    expect(second.failingSince).toBe(NOW);
    expect(second.nextAttemptAt! - (NOW + 3_000)).toBeLessThanOrEqual(3_000);
    deps.clock.advance(3_000);
    expect((await sweepDue(deps, { limit: 5 })).expired).toEqual(['req_flaky']);
    const done = (await deps.store.get('req_flaky'))!;
    expect(done.failingSince).toBeUndefined();
    expect(done.lastError).toBeUndefined();
  });
});
