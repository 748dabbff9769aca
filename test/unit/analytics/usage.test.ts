import { describe, expect, it } from 'vitest';
import { computeAnalytics } from '../../../scripts/core/analytics/compute-analytics.js';
import { DAY, HOUR, MIN, T0, granted, input, req } from '../../support/analytics-fixtures.js';

const END = T0 + 30 * DAY;

describe('usage figures', () => {
  it('are all zero over an empty window, with an empty bucket for every day', () => {
    const report = computeAnalytics(input([]));
    expect(report.usage).toMatchObject({ requests: 0, approvals: 0, rejections: 0, cancellations: 0, timeouts: 0, failures: 0, grants: 0, grantedHours: 0, activeGrantsNow: 0, pendingNow: 0 });
    expect(report.usage.topRequesters).toEqual([]);
    expect(report.usage.timeline.bucket).toBe('day');
    expect(report.usage.timeline.buckets).toHaveLength(30);
    expect(report.usage.timeline.buckets.every((b) => Object.values(b.counts).every((n) => n === 0))).toBe(true);
    expect(report.patterns.timeToDecision).toEqual({ count: 0, p50Seconds: null, p90Seconds: null, maxSeconds: null });
    expect(report.findings).toEqual([]);
  });

  it('counts each outcome at the moment it happened', () => {
    const report = computeAnalytics(
      input([
        granted(T0 + HOUR),
        req(T0 + 2 * HOUR, { status: 'access_denied', decidedBy: 'bob@example.com', decidedAt: T0 + 3 * HOUR, endedAt: T0 + 3 * HOUR }),
        req(T0 + 2 * HOUR, { status: 'cancelled', endedAt: T0 + 2 * HOUR + MIN }),
        req(T0 + 2 * HOUR, { status: 'timed_out', endedAt: T0 + 26 * HOUR }),
        granted(T0 + 4 * HOUR, { status: 'failed', grantedAt: undefined, endedAt: T0 + 4 * HOUR + 6 * MIN }),
        req(T0 + 5 * HOUR, { status: 'failed', endedAt: T0 + 5 * HOUR }),
        req(END - HOUR),
      ]),
    );
    expect(report.usage).toMatchObject({ requests: 7, approvals: 2, rejections: 1, cancellations: 1, timeouts: 1, failures: 2, pendingNow: 1, grants: 1 });
  });

  it('counts events exactly at the window start, and not those exactly at its end', () => {
    const atStart = granted(T0, { decideAfter: 0 });
    const atEnd = req(END);
    const lastMs = req(END - 1);
    const decidedAtEnd = req(T0 + DAY, { status: 'access_denied', decidedBy: 'bob@example.com', decidedAt: END, endedAt: END });
    const report = computeAnalytics(input([atStart, atEnd, lastMs, decidedAtEnd]));
    expect(report.usage.requests).toBe(3);
    expect(report.usage.approvals).toBe(1);
    expect(report.usage.rejections).toBe(0);
  });

  it('counts requests spanning the window by what happened inside it', () => {
    // Asked before the window, decided and granted inside it: an approval and a grant, not a request.
    const spanning = granted(T0 - 10 * MIN, { decideAfter: 20 * MIN });
    // Granted last month and still active: no request, approval or grant in the window, but active now.
    const longRunning = granted(T0 - 40 * DAY, { status: 'access_granted', ttl: 60 * 24 * 3600 });
    const report = computeAnalytics(input([spanning, longRunning]));
    expect(report.usage).toMatchObject({ requests: 0, approvals: 1, grants: 1, activeGrantsNow: 1 });
  });

  it('breaks grants down by provider and entry and sums the granted hours', () => {
    const report = computeAnalytics(
      input([
        granted(T0 + HOUR, { ttl: 3600 }),
        granted(T0 + HOUR, { ttl: 1800, toolName: 'request_read_only_access', grantedWith: { provider: 'aws-iam-policy', settings: {} } }),
        granted(T0 + HOUR, { ttl: 7200, toolName: 'request_read_only_access', grantedWith: { provider: 'aws-iam-policy', settings: {} } }),
        // Never approved: the preview's provider, but no grant.
        req(T0 + HOUR, { preview: { provider: 'aws-s3', summary: [], documents: {} } }),
      ]),
    );
    expect(report.usage.grantsByProvider).toEqual([
      { name: 'aws-iam-policy', count: 2 },
      { name: 'enforcer', count: 1 },
    ]);
    expect(report.usage.grantsByEntry).toEqual([
      { name: 'request_read_only_access', count: 2 },
      { name: 'create_ec2', count: 1 },
    ]);
    expect(report.usage.grantedHours).toBe(3.5);
  });

  it('ranks top requesters and tools with how many were approved', () => {
    const requests = [
      granted(T0 + HOUR, { requester: 'a@example.com' }),
      req(T0 + HOUR, { requester: 'a@example.com', status: 'access_denied', decidedBy: 'bob@example.com', decidedAt: T0 + 2 * HOUR }),
      req(T0 + HOUR, { requester: 'a@example.com', toolName: 'request_read_only_access' }),
      granted(T0 + HOUR, { requester: 'b@example.com' }),
    ];
    const report = computeAnalytics(input(requests, [], { settings: { ...input([]).settings, top: 1 } }));
    expect(report.usage.topRequesters).toEqual([{ name: 'a@example.com', count: 3, approved: 1 }]);
    expect(report.usage.topTools).toEqual([{ name: 'create_ec2', count: 3, approved: 2 }]);
  });

  it('draws the timeline by local day, empty days included, and by week for long windows', () => {
    const berlin = { ...input([]).settings, timeZone: 'Europe/Berlin' };
    // 23:30 UTC on 2 Nov is 00:30 on 3 Nov in Berlin; the window's last UTC hour falls on 5 Nov there.
    const report = computeAnalytics(input([granted(T0 + 23 * HOUR + 30 * MIN), req(T0 + HOUR)], [], { settings: berlin, window: { from: T0, to: T0 + 3 * DAY } }));
    expect(report.usage.timeline.buckets.map((b) => [b.start, b.counts.approved, b.counts.pending])).toEqual([
      ['2026-11-02', 0, 1],
      ['2026-11-03', 1, 0],
      ['2026-11-04', 0, 0],
      ['2026-11-05', 0, 0],
    ]);
    const long = computeAnalytics(input([req(T0 + 8 * DAY)], [], { window: { from: T0, to: T0 + 90 * DAY } }));
    expect(long.usage.timeline.bucket).toBe('week');
    expect(long.usage.timeline.buckets[0]!.start).toBe('2026-11-02');
    expect(long.usage.timeline.buckets[1]).toMatchObject({ start: '2026-11-09', counts: { pending: 1 } });
    expect(long.usage.timeline.buckets).toHaveLength(13);
  });
});
