import type { AnalyticsWindow, Count, RequestFacts, UsageFigures } from './analytics-types.js';
import type { LocalTime } from './local-time.js';
import { providerOf, wasApproved } from './scope.js';
import { Counter, inWindow, round2 } from './stats.js';
import { timeline } from './timeline.js';

/**
 * How much access was asked for and granted in the window. Each count uses the moment its event happened:
 * requests by creation, approvals and rejections by decision, cancellations, time-outs and failures by their
 * end, grants by the moment access was granted. "Now" figures ignore the window. One pass over the requests.
 */
export function computeUsage(requests: readonly RequestFacts[], window: AnalyticsWindow, local: LocalTime, top: number): UsageFigures {
  const created: RequestFacts[] = [];
  let approvals = 0;
  let rejections = 0;
  let cancellations = 0;
  let timeouts = 0;
  let failures = 0;
  let pendingNow = 0;
  let grants = 0;
  let grantedSeconds = 0;
  let activeGrantsNow = 0;
  const byProvider = new Counter();
  const byEntry = new Counter();
  const requesters = new Counter();
  const tools = new Counter();
  const requestersApproved = new Counter();
  const toolsApproved = new Counter();
  for (const r of requests) {
    const approved = wasApproved(r);
    if (inWindow(r.createdAt, window)) {
      created.push(r);
      requesters.add(r.requester);
      tools.add(r.toolName);
      if (approved) {
        requestersApproved.add(r.requester);
        toolsApproved.add(r.toolName);
      }
    }
    if (inWindow(r.decidedAt, window)) {
      if (approved) approvals += 1;
      if (r.status === 'access_denied') rejections += 1;
    }
    if (inWindow(r.endedAt, window)) {
      if (r.status === 'cancelled') cancellations += 1;
      else if (r.status === 'timed_out') timeouts += 1;
      else if (r.status === 'failed') failures += 1;
    }
    if (r.status === 'approval_pending') pendingNow += 1;
    if (r.status === 'access_granted' || r.status === 'ending') activeGrantsNow += 1;
    if (inWindow(r.grantedAt, window)) {
      grants += 1;
      grantedSeconds += r.ttlSeconds;
      byProvider.add(providerOf(r));
      byEntry.add(r.toolName);
    }
  }
  return {
    requests: created.length,
    approvals,
    rejections,
    cancellations,
    timeouts,
    failures,
    pendingNow,
    grants,
    grantsByProvider: byProvider.top(),
    grantsByEntry: byEntry.top(),
    grantedHours: round2(grantedSeconds / 3600),
    activeGrantsNow,
    topRequesters: withApproved(requesters, requestersApproved, top),
    topTools: withApproved(tools, toolsApproved, top),
    timeline: timeline(created, window, local),
  };
}

function withApproved(all: Counter, approved: Counter, top: number): (Count & { approved: number })[] {
  return all.top(top).map((c) => ({ ...c, approved: approved.get(c.name) }));
}
