import type { AnalyticsWindow, Count, RequestFacts, UsageFigures } from './analytics-types.js';
import type { LocalTime } from './local-time.js';
import { providerOf, wasApproved } from './scope.js';
import { inWindow, round2, topCounts } from './stats.js';
import { timeline } from './timeline.js';

/**
 * How much access was asked for and granted in the window. Each count uses the moment its event happened:
 * requests by creation, approvals and rejections by decision, cancellations, time-outs and failures by their
 * end, grants by the moment access was granted. "Now" figures ignore the window.
 */
export function computeUsage(requests: readonly RequestFacts[], window: AnalyticsWindow, local: LocalTime, top: number): UsageFigures {
  const created = requests.filter((r) => inWindow(r.createdAt, window));
  const grants = requests.filter((r) => inWindow(r.grantedAt, window));
  const endedAs = (status: RequestFacts['status']) => requests.filter((r) => r.status === status && inWindow(r.endedAt, window)).length;
  return {
    requests: created.length,
    approvals: requests.filter((r) => wasApproved(r) && inWindow(r.decidedAt, window)).length,
    rejections: requests.filter((r) => r.status === 'access_denied' && inWindow(r.decidedAt, window)).length,
    cancellations: endedAs('cancelled'),
    timeouts: endedAs('timed_out'),
    failures: endedAs('failed'),
    pendingNow: requests.filter((r) => r.status === 'approval_pending').length,
    grants: grants.length,
    grantsByProvider: topCounts(grants.map(providerOf)),
    grantsByEntry: topCounts(grants.map((r) => r.toolName)),
    grantedHours: round2(grants.reduce((sum, r) => sum + r.ttlSeconds, 0) / 3600),
    activeGrantsNow: requests.filter((r) => r.status === 'access_granted' || r.status === 'ending').length,
    topRequesters: withApproved(created, (r) => r.requester, top),
    topTools: withApproved(created, (r) => r.toolName, top),
    timeline: timeline(created, window, local),
  };
}

function withApproved(requests: readonly RequestFacts[], key: (r: RequestFacts) => string, top: number): (Count & { approved: number })[] {
  const approved = new Map<string, number>();
  for (const r of requests) if (wasApproved(r)) approved.set(key(r), (approved.get(key(r)) ?? 0) + 1);
  return topCounts(requests.map(key), top).map((c) => ({ ...c, approved: approved.get(c.name) ?? 0 }));
}
