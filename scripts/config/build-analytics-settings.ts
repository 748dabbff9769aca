import { DEFAULT_ANALYTICS_SETTINGS, type AnalyticsSettings } from '../core/analytics/analytics-types.js';
import { LocalTime } from '../core/analytics/local-time.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError, isJitError } from '../core/errors.js';
import type { JitConfigFile } from './jit-config.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * The analytics settings from the config's `analytics` section, with defaults for what it leaves out. Errors
 * name the key: a time zone the runtime does not know, working hours that are not times of day.
 */
export function buildAnalyticsSettings(file: JitConfigFile): AnalyticsSettings {
  const section = file.analytics ?? {};
  const defaults = DEFAULT_ANALYTICS_SETTINGS;
  const timeZone = section.time_zone?.trim() || defaults.timeZone;
  wrap(() => new LocalTime(timeZone, 'analytics.time_zone'));
  const [workStartMinute, workEndMinute] = section.working_hours ? workingHours(section.working_hours) : [defaults.workStartMinute, defaults.workEndMinute];
  return {
    ...defaults,
    timeZone,
    workStartMinute,
    workEndMinute,
    workDays: section.working_days ? section.working_days.map((day) => DAYS.indexOf(day) + 1).sort() : defaults.workDays,
    rubberStampSeconds: section.rubber_stamp_under ? wrap(() => parseDuration(section.rubber_stamp_under!, 'analytics.rubber_stamp_under')) : defaults.rubberStampSeconds,
    standingAccessMinRequests: section.standing_access_after ?? defaults.standingAccessMinRequests,
    concentrationShare: section.concentration_share ?? defaults.concentrationShare,
    expiryLagToleranceSeconds: section.expiry_lag_tolerance ? wrap(() => parseDuration(section.expiry_lag_tolerance!, 'analytics.expiry_lag_tolerance')) : defaults.expiryLagToleranceSeconds,
  };
}

/** `"09:00-18:00"` as minutes after midnight; `24:00` is allowed as an end. */
function workingHours(text: string): [number, number] {
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const [start, end] = match ? [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])] : [NaN, NaN];
  const minutesOk = match !== null && Number(match[2]) < 60 && Number(match[4]) < 60;
  if (!minutesOk || !(start < 1440) || !(end <= 1440) || start === end) {
    throw new ConfigError(`analytics.working_hours "${text.slice(0, 20)}" must be two times of day such as 09:00-18:00 (start and end differ; 22:00-06:00 spans midnight).`, {
      key: 'analytics.working_hours',
    });
  }
  return [start, end];
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isJitError(err) && !(err instanceof ConfigError)) throw new ConfigError(err.message, { key: err.code });
    throw err;
  }
}
