import { DEFAULT_ANALYTICS_SETTINGS, type AnalyticsInput } from '../../scripts/core/analytics/analytics-types.js';
import type { AccessRequest, AuditEvent, Json } from '../../scripts/core/types.js';
import { requestFixture } from './request-fixture.js';

/** 2026-11-02T00:00:00Z, a Monday: the start of the test window. */
export const T0 = Date.parse('2026-11-02T00:00:00Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

let counter = 0;

/** A request with a fresh id, created at `createdAt`, with any other field given. */
export function req(createdAt: number, overrides: Partial<AccessRequest> = {}): AccessRequest {
  counter += 1;
  return requestFixture({ id: `req_${String(counter).padStart(16, '0')}`, createdAt, updatedAt: createdAt, ...overrides });
}

/** A request approved `decideAfter` after creation, granted a second later, for `ttl` seconds, in `status`. */
export function granted(createdAt: number, options: { decideAfter?: number; ttl?: number; by?: string; status?: AccessRequest['status']; endedAt?: number } & Partial<AccessRequest> = {}): AccessRequest {
  const { decideAfter = 5 * MIN, ttl = 3600, by = 'alice@example.com', status = 'access_expired', ...rest } = options;
  const decidedAt = createdAt + decideAfter;
  const grantedAt = decidedAt + 1000;
  const expiresAt = decidedAt + ttl * 1000;
  const final = status === 'access_expired' || status === 'revoked';
  return req(createdAt, {
    status,
    decidedBy: by,
    decidedAt,
    grantedAt,
    expiresAt,
    ttlSeconds: ttl,
    grantedWith: { provider: 'enforcer', settings: {} },
    ...(final ? { endedAt: rest.endedAt ?? expiresAt, endKind: status === 'revoked' ? ('revoke' as const) : ('expire' as const) } : {}),
    ...rest,
  });
}

let seq = 0;

/** An audit event at `at`. */
export function ev(type: string, at: number, data: Record<string, Json> = {}, requestId: string | null = null, actor = 'kubiya-jit'): AuditEvent {
  seq += 1;
  return { seq, requestId, type, actor, at, data, prevHash: '', hash: '' };
}

/** Analytics input over `[T0, T0 + days)` with "now" at the window's end unless given. */
export function input(requests: AccessRequest[], events: AuditEvent[] = [], overrides: Partial<AnalyticsInput> = {}): AnalyticsInput {
  const window = overrides.window ?? { from: T0, to: T0 + 30 * DAY };
  return { window, now: window.to, filter: {}, settings: DEFAULT_ANALYTICS_SETTINGS, requests, events, ...overrides };
}
