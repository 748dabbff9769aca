import { describe, expect, it } from 'vitest';
import { computeAnalytics } from '../../../scripts/core/analytics/compute-analytics.js';
import { LocalTime } from '../../../scripts/core/analytics/local-time.js';
import { DEFAULT_ANALYTICS_SETTINGS } from '../../../scripts/core/analytics/analytics-types.js';
import { DAY, HOUR, MIN, T0, ev, granted, input, req } from '../../support/analytics-fixtures.js';

describe('pattern figures', () => {
  it('gives nearest-rank p50 and p90 of time to decision and time to access', () => {
    // Decisions after 10, 20, … 100 seconds: nearest rank gives the 5th and 9th values.
    const requests = Array.from({ length: 10 }, (_, i) => granted(T0 + HOUR, { decideAfter: (i + 1) * 10_000 }));
    const report = computeAnalytics(input(requests));
    expect(report.patterns.timeToDecision).toEqual({ count: 10, p50Seconds: 50, p90Seconds: 90, maxSeconds: 100 });
    expect(report.patterns.timeToAccess).toEqual({ count: 10, p50Seconds: 1, p90Seconds: 1, maxSeconds: 1 });
    expect(report.patterns.decisionTimeHistogram.map((b) => b.count)).toEqual([2, 8, 0, 0, 0, 0, 0, 0]);
  });

  it('counts rejections in the time to decision, and a single decision as its own p50 and p90', () => {
    const rejected = req(T0, { status: 'access_denied', decidedBy: 'bob@example.com', decidedAt: T0 + 2 * HOUR });
    expect(computeAnalytics(input([rejected])).patterns.timeToDecision).toEqual({ count: 1, p50Seconds: 7200, p90Seconds: 7200, maxSeconds: 7200 });
  });

  it('compares TTL asked, granted and used, and measures how much earlier revoked grants ended', () => {
    const shortened = granted(T0 + HOUR, { ttl: 3600 });
    // The approver cut 4h to 1h: the approval event keeps what was asked.
    const approval = ev('request_approved', shortened.decidedAt!, { ttl_seconds: 3600, requested_ttl_seconds: 14_400 }, shortened.id);
    const revoked = granted(T0 + 2 * HOUR, { ttl: 3600, status: 'revoked' });
    revoked.endedAt = revoked.grantedAt! + 15 * MIN;
    const active = granted(T0 + 29 * DAY, { ttl: 7200, status: 'access_granted' });
    const report = computeAnalytics(input([shortened, revoked, active], [approval]));
    const ttl = report.patterns.ttl;
    expect(ttl).toMatchObject({ grants: 3, askedHours: 7, grantedHours: 4, endedGrants: 2, shortenedByApprover: 1, revokedEarly: 1 });
    // Used: the expired grant ran its hour less the second between approval and grant; the revoked one 15 minutes.
    expect(ttl.usedHours).toBe(1.25);
    expect(ttl.revokedEarlyBy.p50Seconds).toBe(45 * 60 - 1);
    expect(ttl.revokedEarlyHours).toBe(0.75);
  });

  it('finds the asked TTL of a grant approved the day before the window', () => {
    const early = granted(T0 - 2 * HOUR, { decideAfter: 2 * HOUR - 1000, ttl: 3600 });
    const approval = ev('request_approved', early.decidedAt!, { ttl_seconds: 3600, requested_ttl_seconds: 7200 }, early.id);
    expect(computeAnalytics(input([early], [approval])).patterns.ttl).toMatchObject({ grants: 1, askedHours: 2, grantedHours: 1, shortenedByApprover: 1 });
  });

  it('places requests by local weekday and hour, across daylight-saving changes', () => {
    const berlin = { ...DEFAULT_ANALYTICS_SETTINGS, timeZone: 'Europe/Berlin' };
    const window = { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z') };
    const requests = [
      req(Date.parse('2026-03-29T00:30:00Z')), // Sunday 01:30 CET, before the clocks go forward
      req(Date.parse('2026-03-29T01:30:00Z')), // Sunday 03:30 CEST: 02:xx never happened
      req(Date.parse('2026-10-25T00:30:00Z')), // Sunday 02:30 CEST
      req(Date.parse('2026-10-25T01:30:00Z')), // Sunday 02:30 CET: the hour that happens twice
      req(Date.parse('2026-06-01T07:00:00Z')), // Monday 09:00 CEST
    ];
    const grid = computeAnalytics(input(requests, [], { settings: berlin, window })).patterns.byWeekdayHour;
    expect(grid[6]![1]).toBe(1);
    expect(grid[6]![2]).toBe(2);
    expect(grid[6]![3]).toBe(1);
    expect(grid[0]![9]).toBe(1);
    expect(grid.flat().reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('names the same person asking for the same access again and again as a standing-access candidate', () => {
    const same = (i: number, params: Record<string, string>) => req(T0 + i * HOUR, { requester: 'dev@example.com', toolParams: params });
    const requests = [
      // Nine times, with the parameters in either key order: the same access.
      ...Array.from({ length: 9 }, (_, i) => same(i, i % 2 ? { region: 'eu-west-1', size: 'small' } : { size: 'small', region: 'eu-west-1' })),
      // Four times for another region: under the threshold of five.
      ...Array.from({ length: 4 }, (_, i) => same(20 + i, { region: 'us-east-1', size: 'small' })),
      // Someone else, five times: a candidate of their own.
      ...Array.from({ length: 5 }, (_, i) => req(T0 + i * DAY, { requester: 'ops@example.com', toolName: 'request_read_only_access', toolParams: {} })),
    ];
    const report = computeAnalytics(input(requests));
    expect(report.patterns.standingAccess).toEqual([
      { requester: 'dev@example.com', tool: 'create_ec2', params: { size: 'small', region: 'eu-west-1' }, requests: 9, approved: 0 },
      { requester: 'ops@example.com', tool: 'request_read_only_access', params: {}, requests: 5, approved: 0 },
    ]);
    expect(report.findings.filter((f) => f.code === 'standing_access').map((f) => f.message)).toEqual([
      'dev@example.com asked for create_ec2 {"region":"eu-west-1","size":"small"} 9 times in 30 days; consider a role.',
      'ops@example.com asked for request_read_only_access 5 times in 30 days; consider a role.',
    ]);
  });
});

describe('local time', () => {
  it('refuses a zone the runtime does not know, naming it', () => {
    expect(() => new LocalTime('Mars/Olympus_Mons', 'analytics.time_zone')).toThrow(/analytics.time_zone "Mars\/Olympus_Mons" is not an IANA time zone/);
  });

  it('gives the wall clock of zones with half-hour offsets', () => {
    const kolkata = new LocalTime('Asia/Kolkata');
    expect(kolkata.parts(Date.parse('2026-11-02T18:29:00Z'))).toEqual({ weekday: 1, hour: 23, minuteOfDay: 23 * 60 + 59, date: '2026-11-02' });
    expect(kolkata.parts(Date.parse('2026-11-02T18:30:00Z'))).toMatchObject({ weekday: 2, hour: 0, date: '2026-11-03' });
  });
});
