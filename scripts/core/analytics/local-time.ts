import { ValidationError } from '../errors.js';

/** An instant as a wall clock in one time zone shows it. */
export interface LocalParts {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** 0–23. */
  hour: number;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
  /** The local calendar date, `YYYY-MM-DD`. */
  date: string;
}

// Every zone offset in use is a whole number of quarter hours, so the offset is the same across each quarter
// hour: one Intl call per quarter hour of history, however many events fall in it.
const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Converts instants to wall-clock parts in an IANA time zone (`Europe/Berlin`, `UTC`), daylight saving
 * included, through the runtime's own time-zone data (Intl). Results are cached per quarter hour.
 */
export class LocalTime {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private readonly dates = new Map<number, string>();

  /** Throws a ValidationError naming `field` when the zone is not one the runtime knows. */
  constructor(
    readonly timeZone: string,
    field = 'time zone',
  ) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      throw new ValidationError('analytics.invalid_time_zone', `${field} "${timeZone.slice(0, 60)}" is not an IANA time zone; use a name such as UTC or Europe/Berlin.`);
    }
  }

  /** The wall-clock parts of `ms` (epoch milliseconds) in this zone. */
  parts(ms: number): LocalParts {
    const local = ms + this.offsetAt(ms);
    // Plain arithmetic on local milliseconds: analytics calls this hundreds of thousands of times a run.
    const day = Math.floor(local / DAY_MS);
    const minuteOfDay = Math.floor((local - day * DAY_MS) / 60_000);
    let date = this.dates.get(day);
    if (date === undefined) this.dates.set(day, (date = new Date(day * DAY_MS).toISOString().slice(0, 10)));
    // 1 January 1970 was a Thursday (ISO weekday 4).
    return { weekday: ((((day + 3) % 7) + 7) % 7) + 1, hour: Math.floor(minuteOfDay / 60), minuteOfDay, date };
  }

  /** Milliseconds to add to UTC to get local wall-clock time at `ms`. */
  offsetAt(ms: number): number {
    const key = Math.floor(ms / QUARTER_HOUR_MS);
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      offset = this.computeOffset(key * QUARTER_HOUR_MS);
      this.offsets.set(key, offset);
    }
    return offset;
  }

  private computeOffset(ms: number): number {
    const fields: Record<string, string> = {};
    for (const part of this.format.formatToParts(ms)) fields[part.type] = part.value;
    const wall = Date.UTC(Number(fields.year), Number(fields.month) - 1, Number(fields.day), Number(fields.hour), Number(fields.minute));
    return wall - ms;
  }
}
