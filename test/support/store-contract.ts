import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyChain } from '../../scripts/core/audit-chain.js';
import type { RequestStore } from '../../scripts/core/ports.js';
import type { Json } from '../../scripts/core/types.js';
import { requestFixture } from './request-fixture.js';

const thresholds = { warnBeforeMs: 600_000, approvalTimeoutMs: 86_400_000, grantingLeaseMs: 900_000 };
const event = (type: string, requestId: string | null = 'req_0000000000000001') => ({ requestId, type, actor: 'test', at: 1, data: {} });

/**
 * The behaviour every {@link RequestStore} must have, run against a fresh, empty store per test. The SQLite
 * store runs it; a PostgreSQL store will run the same suite.
 */
export function requestStoreContract(open: () => Promise<RequestStore>, dispose: (store: RequestStore) => Promise<void>): void {
  let current: RequestStore | undefined;
  const store = () => current!;

  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    if (current) await dispose(current);
    current = undefined;
  });

  it('stores and reads back a request with its first events', async () => {
    const request = requestFixture();
    await store().create(request, [event('request_created')]);
    expect(await store().get(request.id)).toEqual(request);
    expect((await store().auditEvents({ requestId: request.id })).map((e) => e.type)).toEqual(['request_created']);
  });

  it('writes only when status and version still match (compare-and-swap)', async () => {
    const request = requestFixture();
    await store().create(request, []);
    const approved = { ...request, status: 'granting' as const, version: 2, decidedBy: 'alice@example.com' };
    const rejected = { ...request, status: 'access_denied' as const, version: 2, decidedBy: 'bob@example.com' };
    expect(await store().update(request, approved, [event('request_approved')])).toBe(true);
    expect(await store().update(request, rejected, [event('request_rejected')])).toBe(false);
    expect((await store().get(request.id))?.decidedBy).toBe('alice@example.com');
    // The loser's event is not written either.
    expect((await store().auditEvents()).map((e) => e.type)).toEqual(['request_approved']);
  });

  it('finds what is due: expiry, warnings, retries, timeouts, abandoned grants', async () => {
    const now = 1_800_000_000_000;
    await store().create(requestFixture({ id: 'req_expired', status: 'access_granted', expiresAt: now - 1, warned: true }), []);
    await store().create(requestFixture({ id: 'req_warn', status: 'access_granted', expiresAt: now + 300_000 }), []);
    await store().create(requestFixture({ id: 'req_later', status: 'access_granted', expiresAt: now + 3_600_000 }), []);
    await store().create(requestFixture({ id: 'req_retry', status: 'ending', nextAttemptAt: now - 5 }), []);
    await store().create(requestFixture({ id: 'req_backoff', status: 'ending', nextAttemptAt: now + 60_000 }), []);
    await store().create(requestFixture({ id: 'req_stale', status: 'approval_pending', createdAt: now - 90_000_000 }), []);
    await store().create(requestFixture({ id: 'req_fresh', status: 'approval_pending', createdAt: now - 1000 }), []);
    await store().create(requestFixture({ id: 'req_stuck', status: 'granting', createdAt: now - 2_000_000, updatedAt: now - 1_000_000 }), []);
    await store().create(requestFixture({ id: 'req_done', status: 'access_expired', expiresAt: now - 10 }), []);
    const due = (await store().due(now, thresholds, 50)).map((r) => r.id).sort();
    expect(due).toEqual(['req_expired', 'req_retry', 'req_stale', 'req_stuck', 'req_warn']);
    expect(await store().due(now, thresholds, 2)).toHaveLength(2);
  });

  it('knows the next instant something is due', async () => {
    const now = 1_800_000_000_000;
    expect(await store().nextDueAt(thresholds)).toBeUndefined();
    await store().create(requestFixture({ id: 'req_a', status: 'access_granted', expiresAt: now + 3_600_000, warned: true }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 3_600_000);
    await store().create(requestFixture({ id: 'req_b', status: 'access_granted', expiresAt: now + 1_000_000 }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 1_000_000 - thresholds.warnBeforeMs);
    await store().create(requestFixture({ id: 'req_c', status: 'approval_pending', createdAt: now - thresholds.approvalTimeoutMs + 5_000 }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 5_000);
    await store().create(requestFixture({ id: 'req_d', status: 'granting', createdAt: now, updatedAt: now - thresholds.grantingLeaseMs + 3_000 }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 3_000);
    await store().create(requestFixture({ id: 'req_e', status: 'ending', nextAttemptAt: now + 1_000 }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 1_000);
    // Final states are never due.
    await store().create(requestFixture({ id: 'req_f', status: 'access_expired', expiresAt: now - 99_000 }), []);
    expect(await store().nextDueAt(thresholds)).toBe(now + 1_000);
  });

  it('lists by requester, approver, status and text, newest first', async () => {
    await store().create(requestFixture({ id: 'req_1', createdAt: 1, requester: 'a@example.com', justification: 'needs 100% of the disk' }), []);
    await store().create(requestFixture({ id: 'req_2', createdAt: 2, requester: 'b@example.com', approvers: ['carol@example.com'] }), []);
    await store().create(requestFixture({ id: 'req_3', createdAt: 3, requester: 'a@example.com', status: 'access_granted' }), []);
    expect((await store().list({ requester: 'a@example.com' })).map((r) => r.id)).toEqual(['req_3', 'req_1']);
    expect((await store().list({ approver: 'carol@example.com' })).map((r) => r.id)).toEqual(['req_2']);
    expect((await store().list({ statuses: ['access_granted'] })).map((r) => r.id)).toEqual(['req_3']);
    expect((await store().list({ text: '100%' })).map((r) => r.id)).toEqual(['req_1']);
    // LIKE wildcards in the search text are literal.
    expect(await store().list({ text: '_%' })).toEqual([]);
  });

  it('lists the requests one person made, for themselves or on someone\'s behalf, within a window', async () => {
    await store().create(requestFixture({ id: 'req_1', createdAt: 1, requester: 'a@example.com', requestedBy: 'a@example.com' }), []);
    await store().create(requestFixture({ id: 'req_2', createdAt: 2, requester: 'b@example.com', requestedBy: 'a@example.com' }), []);
    await store().create(requestFixture({ id: 'req_3', createdAt: 3, requester: 'a@example.com', requestedBy: 'c@example.com' }), []);
    expect((await store().list({ requestedBy: 'a@example.com' })).map((r) => r.id)).toEqual(['req_2', 'req_1']);
    expect((await store().list({ requestedBy: 'a@example.com', createdAfter: 2 })).map((r) => r.id)).toEqual(['req_2']);
    expect(await store().list({ requestedBy: 'nobody@example.com' })).toEqual([]);
  });

  it('orders by created_at then id, both descending, and counts what matches whatever the limit', async () => {
    for (const [id, createdAt] of [['req_a', 5], ['req_c', 7], ['req_b', 7], ['req_d', 1]] as const) {
      await store().create(requestFixture({ id, createdAt, updatedAt: createdAt }), []);
    }
    expect((await store().list({})).map((r) => r.id)).toEqual(['req_c', 'req_b', 'req_a', 'req_d']);
    expect((await store().list({ limit: 2 })).map((r) => r.id)).toEqual(['req_c', 'req_b']);
    expect(await store().count({ limit: 1 })).toBe(4);
    expect(await store().count({ requester: 'nobody@example.com' })).toBe(0);
  });

  it('continues after a position (keyset paging), ties on created_at broken by id', async () => {
    for (const [id, createdAt] of [['req_a', 5], ['req_c', 7], ['req_b', 7], ['req_d', 1]] as const) {
      await store().create(requestFixture({ id, createdAt, updatedAt: createdAt }), []);
    }
    expect((await store().list({ after: { createdAt: 7, id: 'req_c' }, limit: 10 })).map((r) => r.id)).toEqual(['req_b', 'req_a', 'req_d']);
    expect((await store().list({ after: { createdAt: 7, id: 'req_b' }, limit: 1 })).map((r) => r.id)).toEqual(['req_a']);
    expect(await store().list({ after: { createdAt: 1, id: 'req_d' } })).toEqual([]);
    // The position need not be a stored row: a deleted or unknown id still continues from its place.
    expect((await store().list({ after: { createdAt: 6, id: 'req_zzz' } })).map((r) => r.id)).toEqual(['req_a', 'req_d']);
    // count ignores the position.
    expect(await store().count({ after: { createdAt: 7, id: 'req_b' } })).toBe(4);
  });

  it('filters by involvement: the requester, or one of the approvers', async () => {
    await store().create(requestFixture({ id: 'req_mine', createdAt: 3, requester: 'carol@example.com', approvers: ['alice@example.com'] }), []);
    await store().create(requestFixture({ id: 'req_to_decide', createdAt: 2, requester: 'dev@example.com', approvers: ['carol@example.com'] }), []);
    await store().create(requestFixture({ id: 'req_other', createdAt: 1, requester: 'dev@example.com', approvers: ['alice@example.com'] }), []);
    expect((await store().list({ involves: 'carol@example.com' })).map((r) => r.id)).toEqual(['req_mine', 'req_to_decide']);
    expect(await store().count({ involves: 'carol@example.com' })).toBe(2);
    // Combined with another filter, both hold.
    expect((await store().list({ involves: 'carol@example.com', requester: 'dev@example.com' })).map((r) => r.id)).toEqual(['req_to_decide']);
    // An approver named only as a prefix of another is not involved.
    expect(await store().count({ involves: 'carol@example' })).toBe(0);
  });

  it('pages through every match exactly once while new requests are inserted between pages', async () => {
    const ids = Array.from({ length: 57 }, (_, i) => `req_${String(i).padStart(4, '0')}`);
    // Several share a created_at, so the id tie-break is exercised.
    for (const [i, id] of ids.entries()) await store().create(requestFixture({ id, createdAt: 1000 + Math.floor(i / 3), status: 'access_granted' }), []);
    const seen: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (let page = 0; page < 20; page += 1) {
      const rows = await store().list({ statuses: ['access_granted'], limit: 10, ...(after ? { after } : {}) });
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 10) break;
      const last = rows[rows.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
      await store().create(requestFixture({ id: `req_new_${page}`, createdAt: 5000 + page, status: 'access_granted' }), []);
    }
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen).size).toBe(ids.length);
    expect([...seen].sort()).toEqual(ids);
    expect(await store().count({ statuses: ['access_granted'] })).toBeGreaterThan(ids.length);
  });

  it('lists several statuses newest first across all of them, within the limit', async () => {
    const statuses = ['approval_pending', 'access_granted', 'ending', 'access_expired'] as const;
    for (let i = 0; i < 12; i += 1) {
      await store().create(requestFixture({ id: `req_s${String(i).padStart(2, '0')}`, createdAt: 100 + i, status: statuses[i % 4], approvers: i % 3 ? ['carol@example.com'] : ['dave@example.com'] }), []);
    }
    const open = ['approval_pending', 'access_granted', 'ending'] as const;
    expect((await store().list({ statuses: [...open], limit: 4 })).map((r) => r.id)).toEqual(['req_s10', 'req_s09', 'req_s08', 'req_s06']);
    expect((await store().list({ statuses: [...open], approver: 'carol@example.com', limit: 3 })).map((r) => r.id)).toEqual(['req_s10', 'req_s08', 'req_s05']);
    expect(await store().count({ statuses: [...open], approver: 'carol@example.com' })).toBe(6);
  });

  it('expires cached values', async () => {
    await store().cachePut('k', 'v', 100);
    expect(await store().cacheGet('k', 99)).toBe('v');
    expect(await store().cacheGet('k', 100)).toBeUndefined();
  });

  it('finds the requests whose life reaches into a window (analytics)', async () => {
    const from = 1_800_000_000_000;
    const to = from + 86_400_000;
    const at = (offset: number) => ({ createdAt: from + offset, updatedAt: from + offset });
    // Ended before the window: out. Ended inside it (or exactly at its start): in. Created at or after its end: out.
    await store().create(requestFixture({ id: 'req_ended_before', status: 'access_expired', ...at(-5000), updatedAt: from - 1 }), []);
    await store().create(requestFixture({ id: 'req_ended_at_start', status: 'revoked', ...at(-5000), updatedAt: from }), []);
    await store().create(requestFixture({ id: 'req_ended_inside', status: 'access_denied', ...at(-10), updatedAt: from + 10 }), []);
    await store().create(requestFixture({ id: 'req_open_old', status: 'access_granted', ...at(-90_000_000) }), []);
    await store().create(requestFixture({ id: 'req_pending_old', status: 'approval_pending', ...at(-1000) }), []);
    await store().create(requestFixture({ id: 'req_inside', status: 'cancelled', ...at(500) }), []);
    await store().create(requestFixture({ id: 'req_last_ms', status: 'approval_pending', ...at(86_400_000 - 1) }), []);
    await store().create(requestFixture({ id: 'req_at_end', status: 'approval_pending', ...at(86_400_000) }), []);
    await store().create(requestFixture({ id: 'req_after', status: 'access_granted', ...at(90_000_000) }), []);
    const ids = ['req_ended_before', 'req_ended_at_start', 'req_ended_inside', 'req_open_old', 'req_pending_old', 'req_inside', 'req_last_ms', 'req_at_end', 'req_after'];
    const found = (await store().requestsOverlapping(from, to)).map((r) => r.id).sort((a, b) => ids.indexOf(a) - ids.indexOf(b));
    expect(found).toEqual(['req_ended_at_start', 'req_ended_inside', 'req_open_old', 'req_pending_old', 'req_inside', 'req_last_ms']);
    expect(await store().requestsOverlapping(to + 100_000_000, to + 200_000_000)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'req_open_old' }), expect.objectContaining({ id: 'req_after' })]),
    );
  });

  it('gives analytics the same facts as the stored request, through every update', async () => {
    const from = 1_800_000_000_000;
    const created = requestFixture({ id: 'req_facts', status: 'approval_pending', toolParams: { bucket: 'logs' }, approverGroups: ['a', 'b'], createdAt: from, updatedAt: from });
    await store().create(created, []);
    const pick = (r: typeof created) => ({
      id: r.id, status: r.status, toolName: r.toolName, toolParams: r.toolParams, requester: r.requester, decidedBy: r.decidedBy,
      approverGroups: r.approverGroups, ttlSeconds: r.ttlSeconds, createdAt: r.createdAt, decidedAt: r.decidedAt, grantedAt: r.grantedAt,
      expiresAt: r.expiresAt, endedAt: r.endedAt, endAttempts: r.endAttempts, provider: r.grantedWith?.provider ?? r.preview.provider,
    });
    const facts = async () => {
      const [found] = await store().requestsOverlapping(from, from + 86_400_000);
      return found && pick({ ...created, ...found, preview: { ...created.preview, ...found.preview } } as typeof created);
    };
    expect(await facts()).toEqual(pick(created));
    // Each update changes fields analytics reads; a store that kept a copy of them must keep it in step.
    const granted = { ...created, status: 'access_granted' as const, version: created.version + 1, decidedBy: 'carol@example.com', decidedAt: from + 5, grantedAt: from + 6, expiresAt: from + 3_600_000, grantedWith: { provider: 'aws-iam', settings: {} }, updatedAt: from + 6 };
    expect(await store().update(created, granted, [])).toBe(true);
    expect(await facts()).toEqual(pick(granted));
    const ended = { ...granted, status: 'access_expired' as const, version: granted.version + 1, endedAt: from + 3_600_001, endAttempts: 2, updatedAt: from + 3_600_001 };
    expect(await store().update(granted, ended, [])).toBe(true);
    expect(await facts()).toEqual(pick(ended));
  });

  it('reads audit events in a window, of given types, in chain order (analytics)', async () => {
    const at = (type: string, time: number) => ({ requestId: null, type, actor: 'test', at: time, data: { time } });
    // Written out of time order: the chain order (seq) is what comes back.
    await store().appendAudit([at('decision_refused', 20), at('request_refused', 10), at('decision_refused', 9), at('request_approved', 30), at('decision_refused', 15)]);
    const all = await store().auditEventsBetween(10, 30);
    expect(all.map((e) => [e.type, e.at])).toEqual([['decision_refused', 20], ['request_refused', 10], ['decision_refused', 15]]);
    expect((await store().auditEventsBetween(10, 31, ['decision_refused', 'request_approved'])).map((e) => e.at)).toEqual([20, 30, 15]);
    expect(await store().auditEventsBetween(0, 100, [])).toEqual([]);
    expect((await store().auditEventsBetween(0, 100, ['request_refused']))[0]).toMatchObject({ seq: 2, type: 'request_refused', data: { time: 10 } });
  });

  it('reads the events that record a data key only, when asked (analytics\' asked-for TTLs)', async () => {
    const approved = (data: Record<string, Json>) => ({ requestId: null, type: 'request_approved', actor: 'test', at: 5, data });
    await store().appendAudit([
      approved({ ttl_seconds: 3600 }),
      approved({ ttl_seconds: 1800, requested_ttl_seconds: 3600 }),
      // The key's name as a value is not the key.
      approved({ note: '"requested_ttl_seconds"' }),
      { requestId: null, type: 'decision_refused', actor: 'test', at: 5, data: { requested_ttl_seconds: 1 } },
    ]);
    const asked = await store().auditEventsBetween(0, 10, ['request_approved'], { withDataKey: 'requested_ttl_seconds' });
    expect(asked.map((e) => [e.seq, e.data])).toEqual([[2, { ttl_seconds: 1800, requested_ttl_seconds: 3600 }]]);
    expect((await store().auditEventsBetween(0, 10, undefined, { withDataKey: 'requested_ttl_seconds' })).map((e) => e.seq)).toEqual([2, 4]);
    expect(await store().auditEventsBetween(0, 10, ['request_approved'])).toHaveLength(3);
  });

  it('reads the audit log from a sequence number on, whole or one request\'s', async () => {
    await store().appendAudit([event('a', 'r1'), event('b', 'r2'), event('c', 'r1'), event('d', 'r1')]);
    expect((await store().auditEvents({ fromSeq: 3 })).map((e) => [e.seq, e.type])).toEqual([[3, 'c'], [4, 'd']]);
    expect((await store().auditEvents({ requestId: 'r1', fromSeq: 2 })).map((e) => e.seq)).toEqual([3, 4]);
    expect(await store().auditEvents({ fromSeq: 5 })).toEqual([]);
    expect((await store().auditEvents()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps audit checkpoints: the newest by sequence number, the first one recorded for a number', async () => {
    expect(await store().auditCheckpoint()).toBeUndefined();
    await store().saveAuditCheckpoint({ seq: 5, hash: 'a'.repeat(64), verifiedAt: 100 });
    await store().saveAuditCheckpoint({ seq: 9, hash: 'b'.repeat(64), verifiedAt: 200 });
    await store().saveAuditCheckpoint({ seq: 7, hash: 'c'.repeat(64), verifiedAt: 300 });
    expect(await store().auditCheckpoint()).toEqual({ seq: 9, hash: 'b'.repeat(64), verifiedAt: 200 });
    // Two checks at once record the same head: the second changes nothing.
    await store().saveAuditCheckpoint({ seq: 9, hash: 'd'.repeat(64), verifiedAt: 400 });
    expect(await store().auditCheckpoint()).toEqual({ seq: 9, hash: 'b'.repeat(64), verifiedAt: 200 });
  });

  it('chains the audit events of every write, and the chain verifies', async () => {
    const request = requestFixture();
    await store().create(request, [event('request_created')]);
    await store().update(request, { ...request, version: 2, status: 'granting' }, [event('request_approved')]);
    await store().appendAudit([event('decision_refused')]);
    const events = await store().auditEvents();
    expect(events.map((e) => e.type)).toEqual(['request_created', 'request_approved', 'decision_refused']);
    expect(verifyChain(events)).toMatchObject({ ok: true, events: 3 });
  });

  it('gives a target lock to one owner at a time, lets the holder renew it, and a dead holder\'s lease lapse', async () => {
    const now = 1_800_000_000_000;
    expect(await store().acquireLock('aws:role:deploy', 'run-a', now + 15_000, now)).toBe(true);
    expect(await store().acquireLock('aws:role:deploy', 'run-b', now + 15_000, now + 1)).toBe(false);
    // Other targets are independent.
    expect(await store().acquireLock('aws:role:other', 'run-b', now + 15_000, now + 1)).toBe(true);
    // The holder renews; the renewed lease holds off run-b past the first lease's end.
    expect(await store().acquireLock('aws:role:deploy', 'run-a', now + 30_000, now + 10_000)).toBe(true);
    expect(await store().acquireLock('aws:role:deploy', 'run-b', now + 45_000, now + 20_000)).toBe(false);
    // run-a dies: once its lease has ended, run-b takes over, and run-a can no longer renew.
    expect(await store().acquireLock('aws:role:deploy', 'run-b', now + 45_000, now + 30_000)).toBe(true);
    expect(await store().acquireLock('aws:role:deploy', 'run-a', now + 60_000, now + 31_000)).toBe(false);
    // A release by someone who does not hold it changes nothing; the holder's release frees it at once.
    await store().releaseLock('aws:role:deploy', 'run-a');
    expect(await store().acquireLock('aws:role:deploy', 'run-c', now + 60_000, now + 31_000)).toBe(false);
    await store().releaseLock('aws:role:deploy', 'run-b');
    expect(await store().acquireLock('aws:role:deploy', 'run-c', now + 60_000, now + 31_000)).toBe(true);
  });

  it('lets exactly one of many simultaneous claimants take a free lock', async () => {
    const now = 1_800_000_000_000;
    const owners = Array.from({ length: 8 }, (_, i) => `run-${i}`);
    const won = await Promise.all(owners.map((owner) => store().acquireLock('aws:sso:target', owner, now + 15_000, now)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('keeps holds per target and grant: replaced by the same pair, dropped once, listed per target or all', async () => {
    await store().addHold({ target: 'iam-policy:dev:arn:a', grantId: 'req_1', expiresAt: 100, keep: false });
    await store().addHold({ target: 'iam-policy:dev:arn:a', grantId: 'req_2', expiresAt: 200, keep: true });
    await store().addHold({ target: 'sso:1:ps:u', grantId: 'req_1', expiresAt: 300, keep: false });
    await store().addHold({ target: 'iam-policy:dev:arn:a', grantId: 'req_1', expiresAt: 150, keep: false });
    expect(await store().listHolds('iam-policy:dev:arn:a')).toEqual([
      { target: 'iam-policy:dev:arn:a', grantId: 'req_1', expiresAt: 150, keep: false },
      { target: 'iam-policy:dev:arn:a', grantId: 'req_2', expiresAt: 200, keep: true },
    ]);
    await store().removeHold('iam-policy:dev:arn:a', 'req_1');
    await store().removeHold('iam-policy:dev:arn:a', 'req_1');
    expect((await store().listHolds()).map((h) => `${h.target}/${h.grantId}`)).toEqual(['iam-policy:dev:arn:a/req_2', 'sso:1:ps:u/req_1']);
    expect(await store().listHolds('nothing-here')).toEqual([]);
  });

  it('schedules follow-ups by key, returns the due ones earliest first, and forgets completed ones', async () => {
    await store().scheduleFollowUp({ key: 'deny:a', provider: 'aws-role-trust', dueAt: 300, data: { role: 'a' }, attempts: 0 });
    await store().scheduleFollowUp({ key: 'deny:b', provider: 'aws-role-trust', dueAt: 100, data: { role: 'b' }, attempts: 0 });
    await store().scheduleFollowUp({ key: 'deny:c', provider: 'aws-role-trust', dueAt: 900, data: { role: 'c' }, attempts: 0 });
    // Rescheduling the same key replaces it (a retry after a failure, a later removal time).
    await store().scheduleFollowUp({ key: 'deny:a', provider: 'aws-role-trust', dueAt: 200, data: { role: 'a', n: 2 }, attempts: 1 });
    expect((await store().dueFollowUps(250, 10)).map((f) => [f.key, f.data, f.attempts])).toEqual([
      ['deny:b', { role: 'b' }, 0],
      ['deny:a', { role: 'a', n: 2 }, 1],
    ]);
    expect(await store().dueFollowUps(250, 1)).toHaveLength(1);
    await store().completeFollowUp('deny:b');
    await store().completeFollowUp('deny:b');
    expect((await store().listFollowUps()).map((f) => f.key)).toEqual(['deny:a', 'deny:c']);
  });

  it('gives follow-up claimers at once disjoint sets, earliest first, and skips what is held until its claim runs out', async () => {
    for (let i = 0; i < 12; i += 1) {
      await store().scheduleFollowUp({ key: `deny:${String(i).padStart(2, '0')}`, provider: 'aws-role-trust', dueAt: 100 + (i % 4), data: { i }, attempts: 0 });
    }
    await store().scheduleFollowUp({ key: 'deny:later', provider: 'aws-role-trust', dueAt: 5_000, data: {}, attempts: 0 });
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store().claimFollowUps(1_000, owner, 61_000, 5)));
    const keys = claims.flat().map((f) => f.key);
    // No follow-up went to two claimers, all twelve due ones were handed out, and the later one to no one.
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `deny:${String(i).padStart(2, '0')}`));
    for (const claim of claims) expect(claim.map((f) => f.dueAt)).toEqual([...claim.map((f) => f.dueAt)].sort((x, y) => x - y));
    expect(await store().claimFollowUps(4_999, 'e', 120_000, 50)).toEqual([]);
    // The earliest a follow-up can be taken now is when the claims end.
    expect(await store().nextFollowUpAt()).toBe(5_000);
    const lapsed = await store().claimFollowUps(61_000, 'e', 120_000, 50);
    expect(lapsed.map((f) => f.key)).toHaveLength(13);
    expect(await store().nextFollowUpAt()).toBe(120_000);
  });

  it('settles a follow-up only for the claim that holds it; scheduling it again ends the claim', async () => {
    await store().scheduleFollowUp({ key: 'deny:x', provider: 'aws-role-trust', dueAt: 100, data: { role: 'x' }, attempts: 0 });
    await store().scheduleFollowUp({ key: 'deny:y', provider: 'aws-role-trust', dueAt: 100, data: { role: 'y' }, attempts: 0 });
    expect((await store().claimFollowUps(1_000, 'a', 10_000, 10)).map((f) => f.key)).toEqual(['deny:x', 'deny:y']);
    // Another owner cannot settle what `a` holds.
    expect(await store().settleFollowUp('deny:x', 'b', undefined)).toBe(false);
    expect(await store().settleFollowUp('deny:y', 'b', { dueAt: 1, attempts: 9 })).toBe(false);
    // A new schedule of y (new work) ends a's claim: a's outcome no longer applies, and anyone may claim it.
    await store().scheduleFollowUp({ key: 'deny:y', provider: 'aws-role-trust', dueAt: 200, data: { role: 'y', n: 2 }, attempts: 0 });
    expect(await store().settleFollowUp('deny:y', 'a', undefined)).toBe(false);
    expect((await store().claimFollowUps(1_000, 'b', 10_000, 10)).map((f) => [f.key, f.data])).toEqual([['deny:y', { role: 'y', n: 2 }]]);
    // a moves x for later, then it is free for anyone when due; b completes y.
    expect(await store().settleFollowUp('deny:x', 'a', { dueAt: 3_000, attempts: 1 })).toBe(true);
    expect(await store().settleFollowUp('deny:y', 'b', undefined)).toBe(true);
    expect((await store().listFollowUps()).map((f) => [f.key, f.dueAt, f.attempts])).toEqual([['deny:x', 3_000, 1]]);
    expect(await store().claimFollowUps(2_999, 'c', 10_000, 10)).toEqual([]);
    expect((await store().claimFollowUps(3_000, 'c', 10_000, 10)).map((f) => f.key)).toEqual(['deny:x']);
    expect(await store().nextFollowUpAt()).toBe(10_000);
    expect(await store().settleFollowUp('deny:x', 'c', undefined)).toBe(true);
    expect(await store().nextFollowUpAt()).toBeUndefined();
  });

  it('keeps credentials by the hash of their secret, per owner, and revokes only the owner\'s, once', async () => {
    const base = { kind: 'token' as const, owner: 'dev@example.com', label: 'ci', createdAt: 10, expiresAt: 1_000, lastUsedAt: 10 };
    await store().saveCredential({ ...base, id: 'tok_a', secretHash: 'a'.repeat(64) });
    await store().saveCredential({ ...base, id: 'tok_b', secretHash: 'b'.repeat(64), createdAt: 20 });
    await store().saveCredential({ ...base, id: 'ses_c', secretHash: 'c'.repeat(64), kind: 'session', label: 'google' });
    await store().saveCredential({ ...base, id: 'tok_d', secretHash: 'd'.repeat(64), owner: 'alice@example.com' });
    expect(await store().findCredential('a'.repeat(64))).toEqual({ ...base, id: 'tok_a', secretHash: 'a'.repeat(64) });
    expect(await store().findCredential('e'.repeat(64))).toBeUndefined();
    expect((await store().listCredentials('dev@example.com', 'token')).map((c) => c.id)).toEqual(['tok_b', 'tok_a']);
    expect((await store().listCredentials('dev@example.com', 'session')).map((c) => c.id)).toEqual(['ses_c']);
    // A secret hash is unique: a second credential with the same one is refused.
    await expect(store().saveCredential({ ...base, id: 'tok_x', secretHash: 'a'.repeat(64) })).rejects.toThrow();
    await store().touchCredential('tok_a', 500);
    await store().touchCredential('tok_a', 400);
    expect((await store().findCredential('a'.repeat(64)))?.lastUsedAt).toBe(500);
    // Someone else's credential cannot be revoked by id; the owner's is revoked once.
    expect(await store().revokeCredential('tok_d', 'dev@example.com', 600)).toBe(false);
    expect((await store().findCredential('d'.repeat(64)))?.revokedAt).toBeUndefined();
    expect(await store().revokeCredential('tok_a', 'dev@example.com', 600)).toBe(true);
    expect(await store().revokeCredential('tok_a', 'dev@example.com', 700)).toBe(false);
    expect((await store().findCredential('a'.repeat(64)))?.revokedAt).toBe(600);
  });

  it('leases a removal to one owner at a time; the lease runs out, and renewing it never changes the request', async () => {
    const now = 1_800_000_000_000;
    const request = requestFixture({ id: 'req_lease', status: 'ending', endKind: 'expire', expiresAt: now - 1 });
    await store().create(request, []);
    expect(await store().claimLease('req_lease', 'worker-a', now, now + 10_000)).toBe(true);
    // Another owner cannot take a live lease; the holder can take it again.
    expect(await store().claimLease('req_lease', 'worker-b', now + 5_000, now + 15_000)).toBe(false);
    expect(await store().claimLease('req_lease', 'worker-a', now + 5_000, now + 15_000)).toBe(true);
    // Renewing keeps it; the request itself (and so its version) is untouched.
    expect(await store().renewLease('req_lease', 'worker-a', now + 20_000)).toBe(true);
    expect(await store().get('req_lease')).toEqual(request);
    expect(await store().claimLease('req_lease', 'worker-b', now + 19_999, now + 30_000)).toBe(false);
    // Once it runs out, another owner takes it over, and the old holder can no longer renew it.
    expect(await store().claimLease('req_lease', 'worker-b', now + 20_000, now + 30_000)).toBe(true);
    expect(await store().renewLease('req_lease', 'worker-a', now + 40_000)).toBe(false);
    // Releasing by a non-holder does nothing; by the holder, frees it at once.
    await store().releaseLease('req_lease', 'worker-a');
    expect(await store().claimLease('req_lease', 'worker-c', now + 21_000, now + 31_000)).toBe(false);
    await store().releaseLease('req_lease', 'worker-b');
    expect(await store().claimLease('req_lease', 'worker-c', now + 21_000, now + 31_000)).toBe(true);
    // The compare-and-swap of the request still works under a lease.
    expect(await store().update(request, { ...request, version: 2, status: 'access_expired' }, [])).toBe(true);
  });

  it('does not offer a leased removal as due until its lease runs out, and says when that is', async () => {
    const now = 1_800_000_000_000;
    await store().create(requestFixture({ id: 'req_leased_due', status: 'ending', endKind: 'expire', expiresAt: now - 60_000, updatedAt: now - 60_000 }), []);
    expect((await store().due(now, thresholds, 10)).map((r) => r.id)).toEqual(['req_leased_due']);
    expect(await store().claimLease('req_leased_due', 'worker-a', now, now + 10_000)).toBe(true);
    expect(await store().due(now + 9_999, thresholds, 10)).toEqual([]);
    expect(await store().nextDueAt(thresholds)).toBe(now + 10_000);
    expect((await store().due(now + 10_000, thresholds, 10)).map((r) => r.id)).toEqual(['req_leased_due']);
    await store().releaseLease('req_leased_due', 'worker-a');
    expect(await store().nextDueAt(thresholds)).toBe(now - 60_000);
  });

  it('refuses a lease on a request that does not exist', async () => {
    expect(await store().claimLease('req_missing', 'worker-a', 1, 2)).toBe(false);
  });

  it('writes outbox messages with the change that causes them, and none when the change loses', async () => {
    const request = requestFixture({ id: 'req_outbox' });
    await store().create(request, []);
    const message = { requestId: 'req_outbox', kind: 'requester_notice' as const, data: { notice: 'approved' }, at: 1_000 };
    expect(await store().update(request, { ...request, version: 2, status: 'granting' }, [], [message])).toBe(true);
    expect(await store().update(request, { ...request, version: 2, status: 'access_denied' }, [], [{ ...message, data: { notice: 'rejected' } }])).toBe(false);
    const pending = await store().outbox({ state: 'pending' });
    expect(pending.map((m) => m.data.notice)).toEqual(['approved']);
    expect(await store().nextOutboxAt()).toBe(1_000);
  });

  it('claims due outbox messages for one sender at a time, and settles them sent, for a retry, or abandoned', async () => {
    await store().enqueue([
      { requestId: 'req_a', kind: 'approval_update', data: {}, at: 100 },
      { requestId: 'req_b', kind: 'alert', data: { text: 'x' }, at: 200 },
      { requestId: null, kind: 'channel_alert', data: { text: 'later' }, at: 5_000 },
    ]);
    const first = await store().claimOutbox(1_000, 'sender-a', 61_000, 10);
    expect(first.map((m) => m.requestId)).toEqual(['req_a', 'req_b']);
    // Claimed: not offered to another sender until the claim runs out.
    expect(await store().claimOutbox(1_000, 'sender-b', 61_000, 10)).toEqual([]);
    await store().settleOutbox(first[0]!.id, 'sender-a', { state: 'sent' }, 1_100);
    await store().settleOutbox(first[1]!.id, 'sender-a', { state: 'retry', error: 'slack.unreachable', nextAttemptAt: 9_000 }, 1_100);
    // A settle by someone who does not hold the claim changes nothing.
    await store().settleOutbox(first[1]!.id, 'sender-b', { state: 'sent' }, 1_200);
    const waiting = await store().outbox({ state: 'pending' });
    expect(waiting.map((m) => [m.requestId, m.attempts, m.nextAttemptAt, m.lastError])).toEqual([
      ['req_b', 1, 9_000, 'slack.unreachable'],
      [null, 0, 5_000, undefined],
    ]);
    expect(await store().nextOutboxAt()).toBe(5_000);
    expect((await store().claimOutbox(9_000, 'sender-b', 69_000, 10)).map((m) => m.requestId)).toEqual(['req_b', null]);
    const abandoned = (await store().outbox({ state: 'pending' }))[0]!;
    await store().settleOutbox(abandoned.id, 'sender-b', { state: 'abandoned', error: 'gave up' }, 9_100);
    expect((await store().outbox({ state: 'abandoned' })).map((m) => m.requestId)).toEqual(['req_b']);
    expect((await store().outbox({ state: 'sent' })).map((m) => m.requestId)).toEqual(['req_a']);
  });

  it('hands a claimed message to another sender once the first claim runs out', async () => {
    await store().enqueue([{ requestId: 'req_c', kind: 'approval_update', data: {}, at: 0 }]);
    expect(await store().claimOutbox(0, 'sender-a', 60_000, 10)).toHaveLength(1);
    expect(await store().nextOutboxAt()).toBe(60_000);
    expect(await store().claimOutbox(59_999, 'sender-b', 120_000, 10)).toHaveLength(0);
    expect(await store().claimOutbox(60_000, 'sender-b', 120_000, 10)).toHaveLength(1);
  });

  it('writes a change, its events and its outbox messages together, and none of them when the change loses', async () => {
    const request = requestFixture({ id: 'req_all_three' });
    await store().create(request, [event('request_created', 'req_all_three')]);
    const message = { requestId: 'req_all_three', kind: 'approval_update' as const, data: {}, at: 5 };
    expect(await store().update(request, { ...request, version: 2, status: 'granting' }, [event('request_approved', 'req_all_three')], [message])).toBe(true);
    expect(await store().update(request, { ...request, version: 2, status: 'cancelled' }, [event('request_cancelled', 'req_all_three')], [message])).toBe(false);
    const events = await store().auditEvents({ requestId: 'req_all_three' });
    expect(events.map((e) => e.type)).toEqual(['request_created', 'request_approved']);
    expect(verifyChain(await store().auditEvents())).toMatchObject({ ok: true, events: 2 });
    expect((await store().outbox({ state: 'pending', requestId: 'req_all_three' })).map((m) => m.kind)).toEqual(['approval_update']);
  });

  it('gives senders claiming at once disjoint sets of messages', async () => {
    await store().enqueue(Array.from({ length: 12 }, (_, i) => ({ requestId: `req_${i}`, kind: 'requester_notice' as const, data: { i }, at: i })));
    const batches = await Promise.all(['a', 'b', 'c'].map((owner) => store().claimOutbox(100, owner, 60_000, 5)));
    const ids = batches.flat().map((m) => m.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    for (const batch of batches) expect(batch.map((m) => m.id)).toEqual([...batch.map((m) => m.id)].sort((x, y) => x - y));
  });

  it('writes a message with a known dedupe key only once', async () => {
    const alert = { requestId: null, kind: 'channel_alert' as const, data: { text: 'config broken' }, at: 1, dedupeKey: 'config:abc:2027-01-01' };
    await store().enqueue([alert]);
    await store().enqueue([alert, { ...alert, dedupeKey: 'config:def:2027-01-01' }]);
    expect(await store().outbox({ state: 'pending' })).toHaveLength(2);
  });

  it('claims due work: sweepers claiming at once get disjoint sets, most overdue first', async () => {
    const now = 1_800_000_000_000;
    for (let i = 0; i < 12; i += 1) {
      await store().create(requestFixture({ id: `req_due_${String(i).padStart(2, '0')}`, status: 'access_granted', expiresAt: now - 1000 + i, warned: true }), []);
    }
    await store().create(requestFixture({ id: 'req_not_due', status: 'access_granted', expiresAt: now + 3_600_000, warned: true }), []);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((owner) => store().claimDue(now, thresholds, 5, { owner, until: now + 60_000 })));
    const ids = [...a!, ...b!, ...c!].map((r) => r.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    for (const batch of [a!, b!, c!]) {
      const times = batch.map((r) => r.expiresAt!);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
    // Everything due is held: nothing left to claim, though `due` still reports it.
    expect(await store().claimDue(now, thresholds, 50, { owner: 'd', until: now + 60_000 })).toEqual([]);
    expect(await store().due(now, thresholds, 50)).toHaveLength(12);
  });

  it('ends a claim when the request is written, released, or the claim lapses', async () => {
    const now = 1_800_000_000_000;
    const ids = ['req_c1', 'req_c2', 'req_c3'];
    for (const id of ids) await store().create(requestFixture({ id, status: 'access_granted', expiresAt: now - 10, warned: true }), []);
    const claimed = await store().claimDue(now, thresholds, 10, { owner: 'first', until: now + 5_000 });
    expect(claimed.map((r) => r.id).sort()).toEqual(ids);
    // A write by anyone ends the claim on that request (here the row stays due: only the version moved).
    const written = claimed.find((r) => r.id === 'req_c1')!;
    expect(await store().update(written, { ...written, version: written.version + 1 }, [])).toBe(true);
    expect((await store().claimDue(now, thresholds, 10, { owner: 'second', until: now + 5_000 })).map((r) => r.id)).toEqual(['req_c1']);
    await store().releaseClaims('first');
    expect((await store().claimDue(now, thresholds, 10, { owner: 'third', until: now + 5_000 })).map((r) => r.id).sort()).toEqual(['req_c2', 'req_c3']);
    // The owners died: once their claims lapse, another sweeper takes everything.
    expect(await store().claimDue(now + 4_999, thresholds, 10, { owner: 'fourth', until: now + 10_000 })).toEqual([]);
    expect(await store().claimDue(now + 5_000, thresholds, 10, { owner: 'fourth', until: now + 10_000 })).toHaveLength(3);
  });

  it('counts what a filter matches, ignoring its limit', async () => {
    for (let i = 0; i < 4; i += 1) await store().create(requestFixture({ id: `req_n${i}`, createdAt: i, status: i % 2 ? 'access_granted' : 'approval_pending' }), []);
    expect(await store().count({})).toBe(4);
    expect(await store().count({ statuses: ['access_granted'], limit: 1 })).toBe(2);
    expect(await store().count({ approver: 'nobody@example.com' })).toBe(0);
  });

  it('passes its health check on a current schema', async () => {
    await expect(store().health()).resolves.toBeUndefined();
  });

  it('keeps one linear chain when many writers append at once', async () => {
    const requests = Array.from({ length: 24 }, (_, i) => requestFixture({ id: `req_w${String(i).padStart(2, '0')}` }));
    await Promise.all(requests.map((r) => store().create(r, [event('request_created', r.id)])));
    await Promise.all([
      ...requests.map((r) => store().update(r, { ...r, version: 2, status: 'granting' }, [event('request_approved', r.id), event('grant_started', r.id)])),
      ...requests.map(() => store().appendAudit([event('decision_refused', null)])),
    ]);
    const events = await store().auditEvents();
    expect(events).toHaveLength(24 * 4);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(verifyChain(events)).toMatchObject({ ok: true, events: 96 });
  });

  it('tells a watcher, when it can watch, that a request was written', async () => {
    if (!store().watchChanges) return;
    let changes = 0;
    const watch = await store().watchChanges!(() => (changes += 1));
    try {
      await store().create(requestFixture({ id: 'req_watched' }), []);
      const deadline = Date.now() + 5_000;
      while (changes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(changes).toBeGreaterThan(0);
    } finally {
      await watch.close();
    }
  });
}
