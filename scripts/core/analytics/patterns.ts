import type { AnalyticsSettings, AnalyticsWindow, EventFacts, PatternFigures, RequestFacts, StandingAccessCandidate } from './analytics-types.js';
import type { LocalTime } from './local-time.js';
import { num, stableJson, wasApproved } from './scope.js';
import { distribution, histogram, inWindow, round2 } from './stats.js';

/** Bars of the decision-time chart, in seconds from the request's creation. */
export const DECISION_TIME_BINS = [
  { label: '<30s', from: 0 },
  { label: '30s-2m', from: 30 },
  { label: '2-5m', from: 120 },
  { label: '5-15m', from: 300 },
  { label: '15m-1h', from: 900 },
  { label: '1-4h', from: 3600 },
  { label: '4-24h', from: 14_400 },
  { label: '>1d', from: 86_400 },
] as const;

/**
 * How access is asked for and used: decision and grant times, TTL asked vs granted vs used, when requests
 * come in, and people who keep asking for the same access. `events` supplies the TTL a request asked for
 * when an approver granted a different one.
 */
export function computePatterns(
  requests: readonly RequestFacts[],
  events: readonly EventFacts[],
  window: AnalyticsWindow,
  local: LocalTime,
  settings: AnalyticsSettings,
): PatternFigures {
  const created = requests.filter((r) => inWindow(r.createdAt, window));
  const decided = requests.filter((r) => inWindow(r.decidedAt, window));
  const granted = requests.filter((r) => inWindow(r.grantedAt, window) && r.decidedAt !== undefined);
  const decisionTimes = decided.map((r) => r.decidedAt! - r.createdAt);
  return {
    timeToDecision: distribution(decisionTimes),
    decisionTimeHistogram: histogram(decisionTimes, DECISION_TIME_BINS),
    timeToAccess: distribution(granted.map((r) => r.grantedAt! - r.decidedAt!)),
    ttl: ttlFigures(granted, askedTtls(events)),
    byWeekdayHour: weekdayHour(created, local),
    standingAccess: standingAccess(created, settings),
  };
}

/** The TTL asked for, by request id, for requests whose approver granted another one. */
function askedTtls(events: readonly EventFacts[]): Map<string, number> {
  const asked = new Map<string, number>();
  for (const event of events) {
    const requested = num(event.data.requested_ttl_seconds);
    if (event.type === 'request_approved' && event.requestId && requested !== undefined) asked.set(event.requestId, requested);
  }
  return asked;
}

function ttlFigures(grants: readonly RequestFacts[], asked: Map<string, number>): PatternFigures['ttl'] {
  let askedSeconds = 0;
  let grantedSeconds = 0;
  let usedMs = 0;
  let ended = 0;
  let shortened = 0;
  const early: number[] = [];
  for (const r of grants) {
    const askedFor = asked.get(r.id) ?? r.ttlSeconds;
    askedSeconds += askedFor;
    grantedSeconds += r.ttlSeconds;
    if (r.ttlSeconds < askedFor) shortened += 1;
    if ((r.status === 'access_expired' || r.status === 'revoked') && r.endedAt !== undefined && r.expiresAt !== undefined) {
      ended += 1;
      usedMs += Math.max(0, Math.min(r.endedAt, r.expiresAt) - r.grantedAt!);
      if (r.status === 'revoked' && r.endedAt < r.expiresAt) early.push(r.expiresAt - r.endedAt);
    }
  }
  return {
    grants: grants.length,
    askedHours: round2(askedSeconds / 3600),
    grantedHours: round2(grantedSeconds / 3600),
    usedHours: round2(usedMs / 3_600_000),
    endedGrants: ended,
    shortenedByApprover: shortened,
    revokedEarly: early.length,
    revokedEarlyHours: round2(early.reduce((sum, ms) => sum + ms, 0) / 3_600_000),
    revokedEarlyBy: distribution(early),
  };
}

function weekdayHour(created: readonly RequestFacts[], local: LocalTime): number[][] {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of created) {
    const { weekday, hour } = local.parts(r.createdAt);
    grid[weekday - 1]![hour]! += 1;
  }
  return grid;
}

/** The same person asking for the same tool with the same parameters at least the configured number of times. */
function standingAccess(created: readonly RequestFacts[], settings: AnalyticsSettings): StandingAccessCandidate[] {
  const groups = new Map<string, StandingAccessCandidate>();
  // Stores share one parameters object among requests with the same parameters: serialise each once.
  const paramKeys = new Map<object, string>();
  for (const r of created) {
    let params = paramKeys.get(r.toolParams);
    if (params === undefined) paramKeys.set(r.toolParams, (params = stableJson(r.toolParams)));
    const key = `${r.requester} ${r.toolName} ${params}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { requester: r.requester, tool: r.toolName, params: r.toolParams, requests: 0, approved: 0 }));
    group.requests += 1;
    if (wasApproved(r)) group.approved += 1;
  }
  return [...groups.values()]
    .filter((g) => g.requests >= settings.standingAccessMinRequests)
    .sort((a, b) => b.requests - a.requests || (a.requester < b.requester ? -1 : a.requester > b.requester ? 1 : 0) || (a.tool < b.tool ? -1 : 1))
    .slice(0, settings.top);
}
