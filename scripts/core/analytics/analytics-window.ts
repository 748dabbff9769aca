import { parseDuration } from '../duration.js';
import { ValidationError } from '../errors.js';
import type { AnalyticsWindow } from './analytics-types.js';

/** The window analytics covers when none is given: the last 30 days. */
export const DEFAULT_SINCE = '30d';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The window `[since, until)` from the options as typed. `until` is a date, a date-time with a zone, or an
 * age (`7d`: seven days before now); it defaults to now. `since` is a date, a date-time, or a length counted
 * back from `until` (`30d`, the default). A date alone means midnight UTC.
 */
export function parseWindow(options: { since?: string | undefined; until?: string | undefined }, now: number): AnalyticsWindow {
  const untilText = options.until?.trim();
  const to = untilText ? instant(untilText, '--until', (ms) => now - ms) : now;
  const sinceText = options.since?.trim() || DEFAULT_SINCE;
  const from = instant(sinceText, '--since', (ms) => to - ms);
  if (from >= to) {
    throw new ValidationError('analytics.empty_window', `The window is empty: --since (${new Date(from).toISOString()}) must be before --until (${new Date(to).toISOString()}).`);
  }
  return { from, to };
}

function instant(text: string, option: string, fromAge: (ms: number) => number): number {
  if (DATE.test(text) || DATE_TIME.test(text)) {
    const at = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(at)) return at;
  }
  if (/^[\dPp]/.test(text) && !/^\d{4}-/.test(text)) {
    try {
      return fromAge(parseDuration(text, option) * 1000);
    } catch {
      // Fall through to the message below, which names both accepted forms.
    }
  }
  throw new ValidationError(
    'analytics.invalid_time',
    `${option} "${text.slice(0, 40)}" is neither a date (2026-11-01, 2026-11-01T09:00:00Z) nor a length of time (30d, 12h, 2w).`,
  );
}
