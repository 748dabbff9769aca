import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { ExpiryHarness, TOOLS, waitFor } from '../../support/expiry-harness.js';

async function failedAttemptTimes(x: ExpiryHarness, id: string): Promise<number[]> {
  const store = SqliteRequestStore.open(x.h.databasePath);
  const events = await store.auditEvents({ requestId: id });
  await store.close();
  return events.filter((e) => e.type === 'revocation_failed').map((e) => e.at);
}

/**
 * While AWS fails (errors, or throttling), removal retries stay seconds apart, so the access ends within
 * seconds of the outage's end, and a sweep afterwards is clean. Before,
 * retries doubled from 5 s and overshot a one-minute outage by 16-29 s.
 */
describe('removals through an AWS outage', () => {
  let x: ExpiryHarness;

  beforeAll(async () => {
    x = await ExpiryHarness.start();
  }, 180_000);
  afterAll(async () => x?.close(), 120_000);

  it('retries densely through a window of errors and ends the access right after', async () => {
    const id = await x.grant(TOOLS.policy);
    const outageMs = 18_000;
    const start = Date.now();
    x.proxy.addRule({ service: 'iam', effect: { kind: 'fail' }, fromMs: start, untilMs: start + outageMs });
    await x.expireNow([id]);
    const worker = x.startWorker();
    try {
      await waitFor(async () => !(await x.stillGranted(TOOLS.policy, id)), 'the policy to be detached', 120_000);
      const overshoot = Date.now() - (start + outageMs);
      // Generous for a loaded machine; the doubling schedule would have waited until about 35 s (17 s over).
      expect(overshoot).toBeLessThan(12_000);
      const attempts = await failedAttemptTimes(x, id);
      expect(attempts.length).toBeGreaterThanOrEqual(4);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
    await waitFor(async () => (await x.request(id)).status === 'access_expired', 'the request to be expired', 30_000);
    const after = await x.run(undefined, ['sweep']);
    expect(after.code, after.stdout).toBe(0);
    expect(after.json.failing).toEqual([]);
  }, 240_000);

  it('honours throttling and Retry-After, and still ends the access right after', async () => {
    x.proxy.clearRules();
    const id = await x.grant(TOOLS.s3);
    const outageMs = 15_000;
    const start = Date.now();
    x.proxy.addRule({ service: 'iam', effect: { kind: 'throttle', retryAfterSeconds: 5 }, fromMs: start, untilMs: start + outageMs });
    await x.expireNow([id]);
    const worker = x.startWorker();
    try {
      await waitFor(async () => !(await x.stillGranted(TOOLS.s3, id)), 'the S3 policy to be removed', 120_000);
      expect(Date.now() - (start + outageMs)).toBeLessThan(15_000);
    } finally {
      worker.child.kill('SIGTERM');
    }
    await worker.exited;
    const request = await x.request(id);
    expect(request.status).toBe('access_expired');
    const attempts = await failedAttemptTimes(x, id);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    // Retry-After: 5 is honoured between attempts (less a little for the time an attempt itself takes).
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(4_500);
    const store = SqliteRequestStore.open(x.h.databasePath);
    const failures = (await store.auditEvents({ requestId: id })).filter((e) => e.type === 'revocation_failed').map((e) => String(e.data.error));
    await store.close();
    expect(failures.every((f) => /Throttling/.test(f))).toBe(true);
  }, 240_000);
});
