import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { verifyChain } from '../../../scripts/core/audit-chain.js';
import { DEFAULT_ANALYTICS_SETTINGS } from '../../../scripts/core/analytics/analytics-types.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { accessAnalytics } from '../../../scripts/core/use-cases/access-analytics.js';
import { checkAuditTail } from '../../../scripts/core/use-cases/check-audit-tail.js';
import type { AccessRequest } from '../../../scripts/core/types.js';
import { DAY, HOUR, T0, req } from '../../support/analytics-fixtures.js';

// The audit chain check analytics runs: from the last checkpoint, through a real SQLite store that a test
// tampers with the way someone with the file would (triggers dropped, rows edited or deleted).
describe('audit chain check from a checkpoint', () => {
  let store: SqliteRequestStore;
  const clock = new ManualClock(T0 + 30 * DAY);
  let requests: AccessRequest[];

  const tamper = (sql: string) => store.unsafeExec(`DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete; ${sql}`);
  const create = async (at: number) => {
    const request = req(at);
    await store.create(request, [
      { requestId: request.id, type: 'request_created', actor: request.requester, at, data: { tool: request.toolName } },
      { requestId: request.id, type: 'approvers_notified', actor: 'kubiya-jit', at: at + 1, data: {} },
    ]);
    requests.push(request);
    return request;
  };
  const check = () => checkAuditTail({ store, clock }, requests);

  beforeEach(async () => {
    store = SqliteRequestStore.open(':memory:');
    requests = [];
    for (let i = 0; i < 5; i += 1) await create(T0 + i * HOUR); // events 1-10
  });
  afterEach(() => store.close());

  it('checks the whole log the first time, then only what came after its checkpoint', async () => {
    const first = await check();
    expect(first).toMatchObject({ ok: true, events: 10, rehashed: 10 });
    expect(first.checkpoint).toBeUndefined();
    expect(await store.auditCheckpoint()).toEqual({ seq: 10, hash: (await store.auditEvents()).at(-1)!.hash, verifiedAt: clock.now() });
    await create(T0 + 10 * HOUR); // events 11-12
    const second = await check();
    // The checkpoint's own event (10) is rehashed too, then 11 and 12.
    expect(second).toMatchObject({ ok: true, events: 12, rehashed: 3, checkpoint: { seq: 10 } });
    expect(second.ok && second.headHash).toBe((await store.auditEvents()).at(-1)!.hash);
    expect((await store.auditCheckpoint())!.seq).toBe(12);
  });

  it('reports an event edited after the checkpoint, and keeps the old checkpoint', async () => {
    await check();
    await create(T0 + 10 * HOUR);
    tamper(`UPDATE audit_events SET actor = 'someone@example.com' WHERE seq = 11`);
    expect(await check()).toMatchObject({ ok: false, seq: 11, problem: 'event 11 was edited after it was written' });
    expect((await store.auditCheckpoint())!.seq).toBe(10);
  });

  it('reports the checkpoint event itself edited, or replaced with a chain rebuilt on top', async () => {
    await check();
    tamper(`UPDATE audit_events SET data = '{"tool":"other"}' WHERE seq = 10`);
    expect(await check()).toMatchObject({ ok: false, problem: 'event 10 was edited after it was written' });
    tamper(`UPDATE audit_events SET hash = '${'f'.repeat(64)}' WHERE seq = 10`);
    expect(await check()).toMatchObject({ ok: false, seq: 10, problem: expect.stringMatching(/^event 10 was replaced after it was verified at .*\(its hash is not the one recorded then\)$/) });
  });

  it('reports a log cut back past its checkpoint (the last events deleted), not an intact shorter chain', async () => {
    await check();
    tamper('DELETE FROM audit_events WHERE seq >= 9');
    // The chain from event 1 to 8 is still a valid chain: only the checkpoint shows what is gone.
    expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: true, events: 8 });
    expect(await check()).toMatchObject({ ok: false, problem: expect.stringMatching(/^event 10, verified intact at .*, is gone: the log was cut back/) });
    tamper('DELETE FROM audit_events');
    expect(await check()).toMatchObject({ ok: false, problem: expect.stringContaining('is gone') });
  });

  it('reports a log cut at its end after the checkpoint, through the requests whose creation it removed', async () => {
    await check();
    const late = await create(T0 + 10 * HOUR); // events 11-12
    tamper('DELETE FROM audit_events WHERE seq >= 11');
    const verdict = await check();
    expect(verdict).toMatchObject({ ok: false, problem: `1 stored request has no request_created event in the log (${late.id}): events were deleted from its end` });
    expect((await store.auditCheckpoint())!.seq).toBe(10);
  });

  it('reports a log cut at its end with no checkpoint yet, through the requests', async () => {
    tamper('DELETE FROM audit_events WHERE seq >= 9');
    expect(await check()).toMatchObject({ ok: false, problem: expect.stringContaining(`(${requests[4]!.id}): events were deleted from its end`) });
    expect(await store.auditCheckpoint()).toBeUndefined();
  });

  it('does not call the log cut for a request created, by its clock, after the checkpoint event but written before it', async () => {
    // Another host's clock ran ahead: its request's creation is stamped later than the checkpoint's event.
    const ahead = req(T0 + 20 * HOUR);
    await store.create(ahead, [{ requestId: ahead.id, type: 'request_created', actor: ahead.requester, at: ahead.createdAt, data: {} }]);
    requests.push(ahead);
    await create(T0 + 10 * HOUR); // events 12-13: the checkpoint is event 13, stamped before `ahead`
    expect(await check()).toMatchObject({ ok: true, events: 13 });
    expect(await check()).toMatchObject({ ok: true, events: 13, rehashed: 1, checkpoint: { seq: 13 } });
  });

  it('trusts the events before the checkpoint: an edit there is found by the whole-log check (audit verify), and the figure says so', async () => {
    await check();
    tamper(`UPDATE audit_events SET actor = 'someone@example.com' WHERE seq = 3`);
    expect(await check()).toMatchObject({ ok: true, rehashed: 1, checkpoint: { seq: 10 } });
    expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: false, problem: 'event 3 was edited after it was written' });
    const report = await accessAnalytics({ store, clock }, DEFAULT_ANALYTICS_SETTINGS, {});
    expect(report.security.auditChain).toMatchObject({ ok: true, events: 10, sinceCheckpoint: { seq: 10, rehashed: 1 } });
  });
});
