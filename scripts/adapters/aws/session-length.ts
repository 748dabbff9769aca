import { parseDuration } from '../../core/duration.js';
import { ValidationError } from '../../core/errors.js';
import type { GrantContext } from '../../core/ports.js';

/** What an Identity Center entry does when its permission set's sessions last longer than the entry's maximum TTL. */
export type LongSessionRule = 'refuse' | 'cap';

/** `2h`, `15m`, `1h 30m`, `45s`: a duration for people. */
export function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s && !h ? `${s}s` : ''].filter(Boolean);
  return parts.join(' ') || '0s';
}

/** Seconds of an ISO 8601 duration AWS returned; AWS's default session (1 h) when it cannot be read. */
export function sessionSeconds(iso: string): number {
  try {
    return parseDuration(iso, 'SessionDuration');
  } catch {
    return 3600;
  }
}

/** The session duration a `cap` sets: the entry's maximum in whole hours, within AWS's 1–12 h. */
export function cappedSessionSeconds(maxTtlSeconds: number): number {
  return Math.min(12, Math.max(1, Math.ceil(maxTtlSeconds / 3600))) * 3600;
}

/** The entry's maximum TTL and long-session rule, recorded in its settings by the AWS catalog loader. */
export function sessionRule(ctx: Pick<GrantContext, 'settings'>): { maxTtlSeconds?: number; rule: LongSessionRule } {
  const max = ctx.settings.max_ttl_seconds;
  return { ...(typeof max === 'number' ? { maxTtlSeconds: max } : {}), rule: ctx.settings.long_sessions === 'cap' ? 'cap' : 'refuse' };
}

/**
 * Refuses a permission set whose sessions outlast the entry's maximum TTL, unless the entry says `cap`: an
 * Identity Center session cannot be cut when the assignment ends, so a 60 s grant of a 12 h permission set
 * would really be a 12 h one.
 */
export function assertSessionFits(ctx: Pick<GrantContext, 'settings' | 'toolName'>, permissionSet: string, sessionDuration: string): void {
  const { maxTtlSeconds, rule } = sessionRule(ctx);
  const session = sessionSeconds(sessionDuration);
  if (maxTtlSeconds === undefined || session <= maxTtlSeconds || rule === 'cap') return;
  throw new ValidationError(
    'aws.session_too_long',
    `Permission set ${permissionSet} gives sessions of ${humanDuration(session)}, longer than ${ctx.toolName}'s maximum TTL of ${humanDuration(maxTtlSeconds)}, and a session cannot be ended with the grant. Lower the permission set's session duration, raise the entry's session_duration, or set "long_sessions": "cap" on the entry in access_configs.json.`,
    { permissionSet, sessionSeconds: session, maxTtlSeconds },
  );
}
