import type { AnalyticsWindow, Outcome, RequestFacts, TimelineBucket } from './analytics-types.js';
import type { LocalTime } from './local-time.js';
import { outcomeOf } from './scope.js';

const OUTCOMES: readonly Outcome[] = ['approved', 'rejected', 'cancelled', 'timed_out', 'failed', 'pending'];
/** Windows longer than this many local days are drawn by week, so a chart stays readable. */
const MAX_DAY_BUCKETS = 62;

/**
 * Requests created in the window, by local day (or by local week, Monday first, for long windows) and by
 * their outcome now. Every day or week of the window has a bucket, empty ones included.
 */
export function timeline(created: readonly RequestFacts[], window: AnalyticsWindow, local: LocalTime): { bucket: 'day' | 'week'; buckets: TimelineBucket[] } {
  const first = local.parts(window.from).date;
  const last = local.parts(window.to - 1).date;
  const days = daysBetween(first, last) + 1;
  const bucket = days > MAX_DAY_BUCKETS ? 'week' : 'day';
  const keyOf = (date: string) => (bucket === 'day' ? date : weekStart(date));
  const buckets = new Map<string, TimelineBucket>();
  for (let date = keyOf(first); date <= last; date = addDays(date, bucket === 'day' ? 1 : 7)) {
    buckets.set(date, { start: date, counts: emptyCounts() });
  }
  for (const request of created) {
    const entry = buckets.get(keyOf(local.parts(request.createdAt).date));
    if (entry) entry.counts[outcomeOf(request)] += 1;
  }
  return { bucket, buckets: [...buckets.values()] };
}

function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

/** `YYYY-MM-DD` plus `n` days, by the calendar (no time zone involved). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(first: string, last: string): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
}

/** The Monday on or before `date`. */
function weekStart(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}
