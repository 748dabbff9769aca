import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { DEFAULT_ANALYTICS_SETTINGS } from '../../../scripts/core/analytics/analytics-types.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { accessAnalytics } from '../../../scripts/core/use-cases/access-analytics.js';
import { analyticsJson } from '../../../scripts/reports/analytics-json.js';
import { analyticsText } from '../../../scripts/reports/analytics-text.js';
import { DAY, HOUR, T0, granted, req } from '../../support/analytics-fixtures.js';

describe('accessAnalytics through a real store', () => {
  let store: SqliteRequestStore;
  const clock = new ManualClock(T0 + 30 * DAY);
  const run = (options = {}) => accessAnalytics({ store, clock }, DEFAULT_ANALYTICS_SETTINGS, options);

  beforeEach(() => {
    store = SqliteRequestStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reads the window through the port, writes no event, and checks the whole chain', async () => {
    const inWindow = granted(T0 + HOUR);
    await store.create(inWindow, [{ requestId: inWindow.id, type: 'request_created', actor: 'dev@example.com', at: T0 + HOUR, data: {} }]);
    const old = req(T0 - 60 * DAY, { status: 'access_expired', updatedAt: T0 - 59 * DAY });
    await store.create(old, [{ requestId: old.id, type: 'request_created', actor: 'dev@example.com', at: T0 - 60 * DAY, data: {} }]);
    await store.appendAudit([{ requestId: null, type: 'request_refused', actor: 'x@example.com', at: T0 + 2 * HOUR, data: { reason: 'requester_not_allowed' } }]);
    const before = await store.auditEvents();
    const report = await run();
    expect(report.usage).toMatchObject({ requests: 1, approvals: 1, grants: 1 });
    expect(report.security.refusedRequests.total).toBe(1);
    expect(report.security.auditChain).toMatchObject({ checked: true, ok: true, events: 3 });
    expect(await store.auditEvents()).toEqual(before);
  });

  it('reports an edited audit log as tampered', async () => {
    await store.appendAudit([{ requestId: null, type: 'request_refused', actor: 'x@example.com', at: T0 + HOUR, data: { reason: 'requester_not_allowed' } }]);
    store.unsafeExec(`DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone@example.com' WHERE seq = 1`);
    const report = await run();
    expect(report.security.auditChain).toMatchObject({ ok: false, problem: 'event 1 was edited after it was written' });
    expect(report.findings[0]!.severity).toBe('critical');
  });

  it('counts open requests created after an --until in the past among the "now" figures only', async () => {
    await store.create(granted(T0 + 29 * DAY + HOUR, { status: 'access_granted', ttl: 7200 }), []);
    const report = await run({ until: '2d' });
    expect(report.usage).toMatchObject({ requests: 0, grants: 0, activeGrantsNow: 1 });
  });

  it('reads the approvals that changed a TTL and the partial approvals through the store, and no other approval event', async () => {
    const shortened = granted(T0 + HOUR, { ttl: 3600, by: 'alice@example.com' });
    const asked = granted(T0 + 2 * HOUR, { ttl: 7200, by: 'alice@example.com' });
    const created = (r: { id: string; createdAt: number }) => ({ requestId: r.id, type: 'request_created', actor: 'dev@example.com', at: r.createdAt, data: {} });
    await store.create(shortened, [
      created(shortened),
      { requestId: shortened.id, type: 'approval_recorded', actor: 'bob@example.com', at: shortened.createdAt + 10_000, data: { from: 'approval_pending', to: 'approval_pending' } },
      { requestId: shortened.id, type: 'request_approved', actor: 'alice@example.com', at: shortened.decidedAt!, data: { ttl_seconds: 3600, requested_ttl_seconds: 14_400 } },
    ]);
    await store.create(asked, [created(asked), { requestId: asked.id, type: 'request_approved', actor: 'alice@example.com', at: asked.decidedAt!, data: { ttl_seconds: 7200 } }]);
    const report = await run();
    expect(report.patterns.ttl).toMatchObject({ grants: 2, askedHours: 6, grantedHours: 3, shortenedByApprover: 1 });
    expect(report.security.approvalConcentration).toMatchObject({ approvals: 3, approvers: 2 });
    expect(report.security.rubberStamps).toMatchObject({ count: 1, byApprover: [{ name: 'bob@example.com', count: 1 }] });
  });

  it('checks the chain from the checkpoint its last run left, and says so', async () => {
    const r = granted(T0 + HOUR);
    await store.create(r, [{ requestId: r.id, type: 'request_created', actor: 'dev@example.com', at: r.createdAt, data: {} }]);
    expect((await run()).security.auditChain.sinceCheckpoint).toBeUndefined();
    await store.appendAudit([{ requestId: null, type: 'request_refused', actor: 'x@example.com', at: T0 + 2 * HOUR, data: { reason: 'requester_not_allowed' } }]);
    const report = await run();
    expect(report.security.auditChain).toMatchObject({ checked: true, ok: true, events: 2, sinceCheckpoint: { seq: 1, verifiedAt: clock.now(), rehashed: 2 } });
    expect(analyticsJson(report).security).toMatchObject({ audit_chain: { ok: true, since_checkpoint: { seq: 1, verified_at: '2026-12-02T00:00:00.000Z', rehashed: 2 } } });
    expect(analyticsText(report)).toContain('intact, 2 events (2 rehashed from event 1, verified 2026-12-02 00:00 UTC; audit verify checks the whole log)');
    // Not checked on request: no checkpoint read or written.
    expect((await run({ checkChain: false })).security.auditChain).toEqual({ checked: false, ok: null, events: null, headHash: null, problem: null });
  });

  it('refuses a filter that is not a name', async () => {
    await expect(run({ tool: 'create_ec2\nFake line' })).rejects.toThrow(/--tool must be a tool name/);
  });
});
