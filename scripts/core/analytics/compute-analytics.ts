import type { AnalyticsInput, AnalyticsReport, RequestFacts } from './analytics-types.js';
import { findings } from './findings.js';
import { LocalTime } from './local-time.js';
import { computePatterns } from './patterns.js';
import { eventInScope, matchesFilter } from './scope.js';
import { computeSecurity } from './security.js';
import { computeUsage } from './usage.js';

/**
 * Computes every figure of access analytics from stored requests and audit events: a pure function of its
 * input (the clock comes in as `now`), so the CLI, the Slack digest and the console show the same numbers.
 */
export function computeAnalytics(input: AnalyticsInput): AnalyticsReport {
  const { window, filter, settings } = input;
  const local = new LocalTime(settings.timeZone);
  const byId = new Map<string, RequestFacts>();
  for (const request of input.requests) byId.set(request.id, request);
  const requests = [...byId.values()].filter((r) => matchesFilter(r, filter));
  const reconcileEvents = input.events.filter((e) => e.type === 'reconcile_reported' || e.type === 'leftover_removed');
  const events = input.events.filter((e) => eventInScope(e, e.requestId ? byId.get(e.requestId) : undefined, filter));
  const usage = computeUsage(requests, window, local, settings.top);
  const patterns = computePatterns(requests, events, window, local, settings);
  const security = computeSecurity({ requests, events, reconcileEvents, window, now: input.now, local, settings, chain: input.chain });
  const windowDays = Math.max(1, Math.round((window.to - window.from) / 86_400_000));
  return {
    window,
    generatedAt: input.now,
    timeZone: settings.timeZone,
    filter,
    usage,
    patterns,
    security,
    findings: findings(security, patterns, windowDays),
  };
}
