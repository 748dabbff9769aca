import type { AnalyticsInput, AnalyticsSettings, AnalyticsWindow, EventFacts, RequestFacts, SecurityFigures } from './analytics-types.js';
import { workingHours } from './findings.js';
import type { LocalTime } from './local-time.js';
import { num, text, wasApproved } from './scope.js';
import { distribution, histogram, inWindow, round2, topCounts } from './stats.js';

/** Bars of the expiry-lag chart: how long access outlived its TTL, in seconds. */
export const EXPIRY_LAG_BINS = [
  { label: '<1s', from: 0 },
  { label: '1-10s', from: 1 },
  { label: '10-60s', from: 10 },
  { label: '1-5m', from: 60 },
  { label: '5-15m', from: 300 },
  { label: '>15m', from: 900 },
] as const;

/** Fewer approvals than this are too few to call concentrated, whoever gave them. */
const MIN_APPROVALS_FOR_CONCENTRATION = 5;

/** Everything {@link computeSecurity} reads. `events` must already be narrowed to the filter's scope. */
export interface SecurityInput {
  requests: readonly RequestFacts[];
  events: readonly EventFacts[];
  /** Reconcile events, never narrowed: a reconcile run covers the whole deployment. */
  reconcileEvents: readonly EventFacts[];
  window: AnalyticsWindow;
  now: number;
  local: LocalTime;
  settings: AnalyticsSettings;
  chain: AnalyticsInput['chain'];
}

/** The security figures of the window: refusals, how approvals are given, grants that went wrong, expiry lag. */
export function computeSecurity(input: SecurityInput): SecurityFigures {
  const { requests, window, settings } = input;
  const inside = (type: string) => input.events.filter((e) => e.type === type && inWindow(e.at, window));
  const refusedDecisions = inside('decision_refused');
  const refusedRequests = inside('request_refused');
  const approvals = approvalsGiven(requests, inside('approval_recorded'), window);
  const grants = requests.filter((r) => inWindow(r.grantedAt, window));
  const rubberStamps = approvals.filter((a) => a.afterMs < settings.rubberStampSeconds * 1000);
  const retries = inside('revocation_failed');
  return {
    selfApprovalAttempts: refusedDecisions.filter((e) => e.data.reason === 'self_approval').length,
    refusedDecisions: { total: refusedDecisions.length, byReason: topCounts(refusedDecisions.map((e) => text(e.data.reason) ?? 'unknown')) },
    refusedRequests: { total: refusedRequests.length, byReason: topCounts(refusedRequests.map((e) => text(e.data.reason) ?? 'unknown')) },
    approvalConcentration: concentration(approvals, settings),
    rubberStamps: { count: rubberStamps.length, thresholdSeconds: settings.rubberStampSeconds, byApprover: topCounts(rubberStamps.map((a) => a.by), settings.top) },
    offHoursGrants: { count: grants.filter((r) => !isWorkingTime(r.grantedAt!, input.local, settings)).length, grants: grants.length, workingTime: workingHours(settings) },
    failedGrants: new Set(inside('grant_failed').map((e) => e.requestId)).size,
    abandonedGrants: new Set(inside('grant_abandoned').map((e) => e.requestId)).size,
    removalRetries: {
      requests: new Set(retries.map((e) => e.requestId)).size,
      failedAttempts: retries.length,
      stillFailing: requests.filter((r) => (r.status === 'ending' || r.status === 'granting') && r.endAttempts > 0).length,
    },
    expiryLag: expiryLag(requests, window, input.now, settings),
    reconcile: reconcile(input.reconcileEvents, window),
    auditChain: chainState(input.chain),
  };
}

/** Whether an instant falls in the configured working hours and days, in the configured zone. */
export function isWorkingTime(ms: number, local: LocalTime, settings: AnalyticsSettings): boolean {
  const { weekday, minuteOfDay } = local.parts(ms);
  if (!settings.workDays.includes(weekday)) return false;
  const { workStartMinute: start, workEndMinute: end } = settings;
  // A shift past midnight (22:00-06:00) wraps around.
  return start <= end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

/** One approval a person gave: who, and how long after the request was made. */
interface Approval {
  by: string;
  afterMs: number;
}

/**
 * Every approval given in the window: the deciding one of each approved request (on its row), and each
 * partial one (`approval_recorded`) of a decision that needed several approvers. A person counted on the row
 * is not counted again for a partial approval of the same request.
 */
function approvalsGiven(requests: readonly RequestFacts[], partial: readonly EventFacts[], window: AnalyticsWindow): Approval[] {
  const given: Approval[] = [];
  const deciding = new Set<string>();
  for (const r of requests) {
    if (!wasApproved(r) || !inWindow(r.decidedAt, window)) continue;
    given.push({ by: r.decidedBy!, afterMs: r.decidedAt - r.createdAt });
    if (partial.length > 0) deciding.add(`${r.id}\n${r.decidedBy!}`);
  }
  if (partial.length === 0) return given;
  const byId = new Map(requests.map((r) => [r.id, r]));
  for (const event of partial) {
    const request = event.requestId ? byId.get(event.requestId) : undefined;
    if (!request || deciding.has(`${request.id}\n${event.actor}`)) continue;
    deciding.add(`${request.id}\n${event.actor}`);
    given.push({ by: event.actor, afterMs: event.at - request.createdAt });
  }
  return given;
}

function concentration(approvals: readonly Approval[], settings: AnalyticsSettings): SecurityFigures['approvalConcentration'] {
  const all = topCounts(approvals.map((a) => a.by));
  let covered = 0;
  let peopleForHalf = 0;
  while (covered * 2 < approvals.length) covered += all[peopleForHalf++]!.count;
  const topShare = approvals.length ? all[0]!.count / approvals.length : 0;
  return {
    approvals: approvals.length,
    approvers: all.length,
    top: all.slice(0, settings.top).map((c) => ({ ...c, share: round2(c.count / approvals.length) })),
    peopleForHalf,
    concentrated: approvals.length >= MIN_APPROVALS_FOR_CONCENTRATION && topShare >= settings.concentrationShare,
  };
}

function expiryLag(requests: readonly RequestFacts[], window: AnalyticsWindow, now: number, settings: AnalyticsSettings): SecurityFigures['expiryLag'] {
  const lags: number[] = [];
  for (const r of requests) {
    if (r.expiresAt === undefined || !inWindow(r.endedAt, window)) continue;
    // A grant revoked early never reached its TTL; one whose revocation finished after the TTL outlived it all the same.
    if (r.status === 'access_expired' || (r.status === 'revoked' && r.endedAt > r.expiresAt)) lags.push(Math.max(0, r.endedAt - r.expiresAt));
  }
  const toleranceMs = settings.expiryLagToleranceSeconds * 1000;
  return {
    ...distribution(lags),
    outlived: lags.filter((ms) => ms > toleranceMs).length,
    toleranceSeconds: settings.expiryLagToleranceSeconds,
    stillOutliving: requests.filter((r) => (r.status === 'access_granted' || r.status === 'ending') && r.expiresAt !== undefined && now - r.expiresAt > toleranceMs).length,
    histogram: histogram(lags, EXPIRY_LAG_BINS),
  };
}

function reconcile(events: readonly EventFacts[], window: AnalyticsWindow): SecurityFigures['reconcile'] {
  const runs = events.filter((e) => e.type === 'reconcile_reported' && inWindow(e.at, window));
  return {
    runs: runs.length,
    lastRunAt: runs.length ? Math.max(...runs.map((e) => e.at)) : null,
    leftoversFound: runs.reduce((sum, e) => sum + (num(e.data.leftovers) ?? 0), 0),
    leftoversRemoved: events.filter((e) => e.type === 'leftover_removed' && inWindow(e.at, window)).length,
    unknownFound: runs.reduce((sum, e) => sum + (num(e.data.unknown) ?? 0), 0),
  };
}

function chainState(chain: SecurityInput['chain']): SecurityFigures['auditChain'] {
  if (!chain) return { checked: false, ok: null, events: null, headHash: null, problem: null };
  const state: SecurityFigures['auditChain'] = chain.ok
    ? { checked: true, ok: true, events: chain.events, headHash: chain.headHash, problem: null }
    : { checked: true, ok: false, events: chain.events, headHash: null, problem: chain.problem };
  if (chain.checkpoint) state.sinceCheckpoint = { seq: chain.checkpoint.seq, verifiedAt: chain.checkpoint.verifiedAt, rehashed: chain.rehashed ?? 0 };
  return state;
}
