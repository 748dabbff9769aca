import { ValidationError } from './errors.js';
import { quoted } from './quote.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SHORT_FORM = /^(\d+)\s*([smhdw])$/i;
const COMPOUND_FORM = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;
const ISO_FORM = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

/**
 * Parses a duration such as `30m`, `1h`, `2d`, `1h30m` or ISO 8601 `PT1H` / `P1D` into whole seconds.
 * Throws a {@link ValidationError} naming `field` when the text is not a positive duration.
 */
export function parseDuration(text: string, field = 'ttl'): number {
  const value = text.trim();
  const seconds = parseSeconds(value);
  if (seconds === 0) {
    throw new ValidationError('request.invalid_duration', `${field} ${quoted(value, 40)} is zero; give a duration longer than that, such as 30m, 1h or 2d.`, { field });
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new ValidationError(
      'request.invalid_duration',
      `${field} ${quoted(value, 40)} is not a duration. Use a number and a unit such as 30m, 1h, 2d, or ISO 8601 such as PT1H.`,
      { field },
    );
  }
  return seconds;
}

function parseSeconds(value: string): number | undefined {
  const short = SHORT_FORM.exec(value);
  if (short) return Number(short[1]) * (UNIT_SECONDS[short[2]!.toLowerCase()] ?? 0);
  const iso = ISO_FORM.exec(value);
  if (iso && value.length > 1 && !/T$/i.test(value)) {
    const [, w, d, h, m, s] = iso.map((part) => Number(part ?? 0));
    return w! * 604800 + d! * 86400 + h! * 3600 + m! * 60 + s!;
  }
  const compound = COMPOUND_FORM.exec(value);
  if (compound && value.length > 0) {
    const [, d, h, m, s] = compound.map((part) => Number(part ?? 0));
    return d! * 86400 + h! * 3600 + m! * 60 + s!;
  }
  return undefined;
}

/** Renders seconds as a short human duration: `45s`, `30m`, `1h`, `1h 30m`, `2d`. */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const parts: string[] = [];
  let rest = totalSeconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  if (rest > 0 && totalSeconds < 3600) parts.push(`${rest}s`);
  return parts.join(' ');
}
