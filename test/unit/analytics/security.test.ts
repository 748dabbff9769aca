import { describe, expect, it } from 'vitest';
import { computeAnalytics } from '../../../scripts/core/analytics/compute-analytics.js';
import { DEFAULT_ANALYTICS_SETTINGS } from '../../../scripts/core/analytics/analytics-types.js';
import { DAY, HOUR, MIN, T0, ev, granted, input, req } from '../../support/analytics-fixtures.js';

const END = T0 + 30 * DAY;

describe('security figures', () => {
  it('counts self-approval attempts and other refused decisions inside the window only', () => {
    const r = req(T0 + HOUR);
    const events = [
      ev('decision_refused', T0 + 2 * HOUR, { reason: 'self_approval' }, r.id, 'dev@example.com'),
      ev('decision_refused', T0 + 3 * HOUR, { reason: 'self_approval' }, r.id, 'dev@example.com'),
      ev('decision_refused', T0 + 4 * HOUR, { reason: 'not_eligible' }, r.id, 'mallory@example.com'),
      ev('decision_refused', T0 - 1, { reason: 'self_approval' }, r.id, 'dev@example.com'),
      ev('decision_refused', END, { reason: 'self_approval' }, r.id, 'dev@example.com'),
    ];
    const security = computeAnalytics(input([r], events)).security;
    expect(security.selfApprovalAttempts).toBe(2);
    expect(security.refusedDecisions).toEqual({ total: 3, byReason: [{ name: 'self_approval', count: 2 }, { name: 'not_eligible', count: 1 }] });
  });

  it('counts requests refused before a row existed, from their audit events', () => {
    const events = [
      ev('request_refused', T0 + HOUR, { reason: 'requester_not_allowed', requester: 'x@example.com', tool: 'create_ec2', provider: 'enforcer' }),
      ev('request_refused', T0 + HOUR, { reason: 'requester_not_allowed', requester: 'y@example.com', tool: 'create_ec2', provider: 'enforcer' }),
      ev('request_refused', T0 + HOUR, { reason: 'requester_not_active', requester: 'z@example.com' }),
    ];
    const report = computeAnalytics(input([], events));
    expect(report.security.refusedRequests).toEqual({ total: 3, byReason: [{ name: 'requester_not_allowed', count: 2 }, { name: 'requester_not_active', count: 1 }] });
    expect(report.findings.find((f) => f.code === 'refused_requests')?.message).toBe('3 requests refused before being stored (requester not allowed 2, requester not active 1).');
  });

  it('measures how concentrated approvals are', () => {
    const approvals = [
      ...Array.from({ length: 6 }, () => granted(T0 + HOUR, { by: 'alice@example.com' })),
      granted(T0 + HOUR, { by: 'bob@example.com' }),
      granted(T0 + HOUR, { by: 'carol@example.com' }),
    ];
    const conc = computeAnalytics(input(approvals)).security.approvalConcentration;
    expect(conc).toMatchObject({ approvals: 8, approvers: 3, peopleForHalf: 1, concentrated: true });
    expect(conc.top[0]).toEqual({ name: 'alice@example.com', count: 6, share: 0.75 });
    // Spread evenly, nobody reaches the 50% share.
    const spread = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => granted(T0 + HOUR, { by: `${p}@example.com` }));
    expect(computeAnalytics(input(spread)).security.approvalConcentration).toMatchObject({ peopleForHalf: 3, concentrated: false });
    // One approver, but only four approvals: too few to call.
    expect(computeAnalytics(input(approvals.slice(0, 4))).security.approvalConcentration.concentrated).toBe(false);
  });

  it('counts approvals given under the rubber-stamp threshold, and not one at exactly the threshold', () => {
    const requests = [
      granted(T0 + HOUR, { decideAfter: 29_999, by: 'bob@example.com' }),
      granted(T0 + HOUR, { decideAfter: 1_000, by: 'bob@example.com' }),
      granted(T0 + HOUR, { decideAfter: 30_000, by: 'alice@example.com' }),
      // A fast rejection is no rubber stamp.
      req(T0 + HOUR, { status: 'access_denied', decidedBy: 'carol@example.com', decidedAt: T0 + HOUR + 1000 }),
    ];
    expect(computeAnalytics(input(requests)).security.rubberStamps).toEqual({ count: 2, thresholdSeconds: 30, byApprover: [{ name: 'bob@example.com', count: 2 }] });
  });

  it('counts each partial approval of a multi-approval decision as an approval its approver gave', () => {
    const partial = (r: { id: string; createdAt: number }, by: string, after: number) =>
      ev('approval_recorded', r.createdAt + after, { from: 'approval_pending', to: 'approval_pending' }, r.id, by);
    // Two approvers needed: bob approves first (partial), alice's approval decides.
    const twoStep = granted(T0 + HOUR, { by: 'alice@example.com', decideAfter: 10 * MIN });
    // Three needed: erin and dave approve in parts within seconds, carol decides later.
    const threeStep = granted(T0 + 2 * HOUR, { by: 'carol@example.com', decideAfter: HOUR });
    // A partial approval still counts when another approver then rejected the request.
    const rejected = req(T0 + 3 * HOUR, { status: 'access_denied', decidedBy: 'carol@example.com', decidedAt: T0 + 3 * HOUR + 2 * MIN });
    // Still pending, with one approval so far.
    const pending = req(T0 + 4 * HOUR, { status: 'approval_pending' });
    const requests = [twoStep, threeStep, rejected, pending];
    const events = [
      partial(twoStep, 'bob@example.com', 2 * MIN),
      partial(threeStep, 'erin@example.com', 5_000),
      partial(threeStep, 'dave@example.com', 29_999),
      partial(rejected, 'erin@example.com', 10_000),
      partial(pending, 'bob@example.com', 30_000),
      // The decider's own approval, if also recorded as a part, is one approval, not two.
      partial(twoStep, 'alice@example.com', 10 * MIN),
      // Outside the window: not counted.
      ev('approval_recorded', T0 - 1, {}, twoStep.id, 'frank@example.com'),
    ];
    const security = computeAnalytics(input(requests, events)).security;
    expect(security.approvalConcentration).toMatchObject({ approvals: 7, approvers: 5 });
    expect(security.approvalConcentration.top).toEqual([
      { name: 'bob@example.com', count: 2, share: 0.29 },
      { name: 'erin@example.com', count: 2, share: 0.29 },
      { name: 'alice@example.com', count: 1, share: 0.14 },
      { name: 'carol@example.com', count: 1, share: 0.14 },
      { name: 'dave@example.com', count: 1, share: 0.14 },
    ]);
    // Under 30 s after the request: erin twice (5 s, 10 s) and dave (29.999 s); bob's at exactly 30 s is not.
    expect(security.rubberStamps).toEqual({ count: 3, thresholdSeconds: 30, byApprover: [{ name: 'erin@example.com', count: 2 }, { name: 'dave@example.com', count: 1 }] });
    // Usage still counts requests approved, not approvals given.
    expect(computeAnalytics(input(requests, events)).usage.approvals).toBe(2);
    // Narrowed to a tool, the partial approvals follow their request.
    const other = computeAnalytics(input(requests, events, { filter: { tool: 'no_such_tool' } })).security;
    expect(other.approvalConcentration.approvals).toBe(0);
  });

  it('concentration and rubber stamps come from partial approvals alone when one person gives them all', () => {
    const requests = Array.from({ length: 5 }, (_, i) => req(T0 + i * HOUR, { status: 'approval_pending' }));
    const events = requests.map((r) => ev('approval_recorded', r.createdAt + 1_000, { from: 'approval_pending', to: 'approval_pending' }, r.id, 'bob@example.com'));
    const security = computeAnalytics(input(requests, events)).security;
    expect(security.approvalConcentration).toMatchObject({ approvals: 5, approvers: 1, peopleForHalf: 1, concentrated: true });
    expect(security.rubberStamps.count).toBe(5);
  });

  it('counts off-hours grants in the configured zone, across the end of daylight saving', () => {
    const berlin = { ...DEFAULT_ANALYTICS_SETTINGS, timeZone: 'Europe/Berlin' };
    const window = { from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z') };
    const grantAt = (iso: string) => granted(Date.parse(iso) - 5 * MIN - 1000);
    const requests = [
      grantAt('2026-10-23T07:30:00Z'), // Friday 09:30 CEST: working hours
      grantAt('2026-10-26T07:30:00Z'), // Monday 08:30 CET, same UTC time after the change: off hours
      grantAt('2026-10-24T12:00:00Z'), // Saturday: off
      grantAt('2026-10-27T16:59:00Z'), // Tuesday 17:59 CET: in
      grantAt('2026-10-27T17:00:00Z'), // Tuesday 18:00 CET: the end is exclusive
    ];
    window.to = Date.parse('2026-11-01T00:00:00Z');
    expect(computeAnalytics(input(requests, [], { settings: berlin, window, now: window.to })).security.offHoursGrants).toEqual({ count: 3, grants: 5, workingTime: 'Mon,Tue,Wed,Thu,Fri 09:00-18:00 Europe/Berlin' });
    // A night shift wraps past midnight.
    const night = { ...berlin, workStartMinute: 22 * 60, workEndMinute: 6 * 60, workDays: [1, 2, 3, 4, 5, 6, 7] };
    expect(computeAnalytics(input(requests, [], { settings: night, window, now: window.to })).security.offHoursGrants.count).toBe(5);
  });

  it('counts failed and abandoned grants and removals that needed retries', () => {
    const stuck = granted(T0 + HOUR, { status: 'ending', endAttempts: 3 });
    const events = [
      ev('grant_failed', T0 + 2 * HOUR, { provider: 'enforcer' }, 'req_x'),
      ev('grant_abandoned', T0 + 3 * HOUR, {}, 'req_y'),
      ev('revocation_failed', T0 + 4 * HOUR, { attempts: 1 }, stuck.id),
      ev('revocation_failed', T0 + 5 * HOUR, { attempts: 2 }, stuck.id),
      ev('revocation_failed', T0 + 6 * HOUR, { attempts: 1 }, 'req_z'),
    ];
    const report = computeAnalytics(input([stuck], events));
    expect(report.security).toMatchObject({ failedGrants: 1, abandonedGrants: 1, removalRetries: { requests: 2, failedAttempts: 3, stillFailing: 1 } });
    expect(report.findings.find((f) => f.code === 'removal_retries')?.severity).toBe('critical');
  });

  it('measures expiry lag: removal confirmed after the TTL, with access still outliving it now', () => {
    const onTime = granted(T0 + HOUR);
    const late = granted(T0 + 2 * HOUR);
    late.endedAt = late.expiresAt! + 2 * MIN;
    const revokedLate = granted(T0 + 3 * HOUR, { status: 'revoked' });
    revokedLate.endedAt = revokedLate.expiresAt! + 10_000;
    const revokedEarly = granted(T0 + 4 * HOUR, { status: 'revoked' });
    revokedEarly.endedAt = revokedEarly.grantedAt! + MIN;
    // Expired before the window, lag and all: not this window's.
    const before = granted(T0 - 3 * HOUR);
    before.endedAt = before.expiresAt! + 10 * MIN;
    const outliving = granted(END - 3 * HOUR, { status: 'ending', ttl: 3600 });
    const lag = computeAnalytics(input([onTime, late, revokedLate, revokedEarly, before, outliving])).security.expiryLag;
    expect(lag).toMatchObject({ count: 3, p50Seconds: 10, p90Seconds: 120, maxSeconds: 120, outlived: 1, toleranceSeconds: 60, stillOutliving: 1 });
    expect(lag.histogram.map((b) => b.count)).toEqual([1, 0, 1, 1, 0, 0]);
  });

  it('reports what reconcile found, whatever the filter', () => {
    const events = [
      ev('reconcile_reported', T0 + HOUR, { leftovers: 2, removed: 0, unknown: 1 }),
      ev('reconcile_reported', T0 + DAY, { leftovers: 1, removed: 1, unknown: 0 }),
      ev('leftover_removed', T0 + DAY, { status: 'access_expired', provider: 'aws-iam-policy' }, 'req_old'),
      ev('reconcile_reported', T0 - DAY, { leftovers: 9, unknown: 9 }),
    ];
    const expected = { runs: 2, lastRunAt: T0 + DAY, leftoversFound: 3, leftoversRemoved: 1, unknownFound: 1 };
    expect(computeAnalytics(input([], events)).security.reconcile).toEqual(expected);
    expect(computeAnalytics(input([], events, { filter: { tool: 'create_ec2' } })).security.reconcile).toEqual(expected);
  });

  it("reports the audit chain's state, and a broken chain as the first, critical finding", () => {
    const intact = computeAnalytics(input([], [], { chain: { ok: true, events: 12, headHash: 'ab'.repeat(32) } }));
    expect(intact.security.auditChain).toEqual({ checked: true, ok: true, events: 12, headHash: 'ab'.repeat(32), problem: null });
    expect(intact.findings).toEqual([]);
    const broken = computeAnalytics(input([], [ev('decision_refused', T0 + HOUR, { reason: 'self_approval' })], { chain: { ok: false, events: 12, seq: 5, problem: 'event 5 was edited after it was written' } }));
    expect(broken.security.auditChain).toMatchObject({ ok: false, problem: 'event 5 was edited after it was written' });
    expect(broken.findings[0]).toEqual({ code: 'audit_chain_broken', severity: 'critical', count: 1, message: 'Audit log TAMPERED: event 5 was edited after it was written.' });
    expect(computeAnalytics(input([])).security.auditChain.checked).toBe(false);
  });
});

describe('filters', () => {
  const ec2 = granted(T0 + HOUR, { approverGroups: ['platform-approvers'] });
  const iam = granted(T0 + HOUR, { toolName: 'request_read_only_access', approverGroups: ['security-approvers'], grantedWith: { provider: 'aws-iam-policy', settings: {} } });
  const events = [
    ev('decision_refused', T0 + 2 * HOUR, { reason: 'self_approval' }, ec2.id),
    ev('decision_refused', T0 + 2 * HOUR, { reason: 'self_approval' }, iam.id),
    ev('request_refused', T0 + 2 * HOUR, { reason: 'requester_not_allowed', tool: 'create_ec2', provider: 'enforcer' }),
  ];

  it('narrow every figure to one tool, provider or approver group', () => {
    const byTool = computeAnalytics(input([ec2, iam], events, { filter: { tool: 'create_ec2' } }));
    expect(byTool.usage).toMatchObject({ requests: 1, grants: 1 });
    expect(byTool.security).toMatchObject({ selfApprovalAttempts: 1, refusedRequests: { total: 1 } });
    const byProvider = computeAnalytics(input([ec2, iam], events, { filter: { provider: 'aws-iam-policy' } }));
    expect(byProvider.usage.grantsByEntry).toEqual([{ name: 'request_read_only_access', count: 1 }]);
    expect(byProvider.security).toMatchObject({ selfApprovalAttempts: 1, refusedRequests: { total: 0 } });
    // A refused request never had approver groups: a group filter leaves it out.
    const byGroup = computeAnalytics(input([ec2, iam], events, { filter: { group: 'platform-approvers' } }));
    expect(byGroup.usage.requests).toBe(1);
    expect(byGroup.security).toMatchObject({ selfApprovalAttempts: 1, refusedRequests: { total: 0 } });
    expect(computeAnalytics(input([ec2, iam], events, { filter: { tool: 'nothing_like_it' } })).usage.requests).toBe(0);
  });
});
