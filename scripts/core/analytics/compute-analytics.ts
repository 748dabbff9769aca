import type { AnalyticsInput, AnalyticsReport, RequestFacts } from './analytics-types.js';
import { findings } from './findings.js';
import { LocalTime } from './local-time.js';
import { computePatterns } from './patterns.js';
import { eventInScope, matchesFilter } from './scope.js';
import { computeSecurity } from './security.js';
import { computeUsage } from './usage.js';

// Building a zone's formatter costs tens of milliseconds, and its offsets are the same every run: one per zone.
const zones = new Map<string, LocalTime>();

function localTime(timeZone: string): LocalTime {
  let local = zones.get(timeZone);
  if (!local) {
    local = new LocalTime(timeZone);
    // A long-running process sees few zones; a bound keeps a stream of odd ones from growing the map.
    if (zones.size < 16) zones.set(timeZone, local);
  }
  return local;
}

/**
 * Computes every figure of access analytics from stored requests and audit events: a pure function of its
 * input (the clock comes in as `now`), so the CLI, the Slack digest and the console show the same numbers.
 */
export function computeAnalytics(input: AnalyticsInput): AnalyticsReport {
  const { window, filter, settings } = input;
  const local = localTime(settings.timeZone);
  const byId = new Map<string, RequestFacts>();
  for (const request of input.requests) byId.set(request.id, request);
  // No id twice (the usual case): the input is the list, with no copy of 100,000 entries.
  const unique = byId.size === input.requests.length ? input.requests : [...byId.values()];
  const requests = filter.tool === undefined && filter.provider === undefined && filter.group === undefined ? unique : unique.filter((r) => matchesFilter(r, filter));
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
