import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { DEFAULT_ANALYTICS_SETTINGS } from '../../../scripts/core/analytics/analytics-types.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { accessAnalytics } from '../../../scripts/core/use-cases/access-analytics.js';
import { DAY, HOUR, T0, granted, req } from '../../support/analytics-fixtures.js';

describe('accessAnalytics through a real store', () => {
  let store: SqliteRequestStore;
  const clock = new ManualClock(T0 + 30 * DAY);
  const run = (options = {}) => accessAnalytics({ store, clock }, DEFAULT_ANALYTICS_SETTINGS, options);

  beforeEach(() => {
    store = SqliteRequestStore.open(':memory:');
  });
  afterEach(() => store.close());

  it('reads the window through the port, writes nothing, and checks the whole chain', async () => {
    await store.create(granted(T0 + HOUR), [{ requestId: 'x', type: 'request_created', actor: 'dev@example.com', at: T0 + HOUR, data: {} }]);
    await store.create(req(T0 - 60 * DAY, { status: 'access_expired', updatedAt: T0 - 59 * DAY }), []);
    await store.appendAudit([{ requestId: null, type: 'request_refused', actor: 'x@example.com', at: T0 + 2 * HOUR, data: { reason: 'requester_not_allowed' } }]);
    const before = await store.auditEvents();
    const report = await run();
    expect(report.usage).toMatchObject({ requests: 1, approvals: 1, grants: 1 });
    expect(report.security.refusedRequests.total).toBe(1);
    expect(report.security.auditChain).toMatchObject({ checked: true, ok: true, events: 2 });
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

  it('refuses a filter that is not a name', async () => {
    await expect(run({ tool: 'create_ec2\nFake line' })).rejects.toThrow(/--tool must be a tool name/);
  });
});
