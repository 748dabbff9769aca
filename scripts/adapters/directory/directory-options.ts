/**
 * The options every directory adapter that reads a provider (GitHub, Google, Microsoft) takes: the store's
 * cache, the clock, the operator log, and the bounded windows and waits. Defaults and bounds match Okta's, so
 * the same config keys mean the same thing whichever directory is configured.
 */
import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger, RequestStore } from '../../core/ports.js';

/** The cache a directory keeps its lookups in (the request store provides it). */
export type DirectoryCache = Pick<RequestStore, 'cacheGet' | 'cachePut'>;

/** What a provider directory takes besides its settings. */
export interface ProviderDirectoryOptions {
  cache: DirectoryCache;
  clock: Clock;
  log: Logger;
  /** How stale a "is this person an ACTIVE member?" answer may be, in seconds: 0–300, default 60. */
  membershipCacheSeconds?: number;
  /** How long a group's member list is reused, in seconds: 0–3600, default 300. */
  memberListCacheSeconds?: number;
  /** Longest total wait for rate limits in one directory operation, in seconds: 0–600, default 30. */
  maxRateLimitWaitSeconds?: number;
  /** Longest wait for one answer, in milliseconds: default 15000. */
  requestTimeoutMs?: number;
}

function seconds(key: string, value: number | undefined, fallback: number, max: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved > max) {
    throw new ConfigError(`${key} must be a whole number of seconds from 0 to ${max} (got ${String(value)}).`, { setting: key });
  }
  return resolved;
}

/** Checks the ranges and fills in the defaults; errors name the config key. */
export function resolveProviderOptions(options: ProviderDirectoryOptions): Required<ProviderDirectoryOptions> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw new ConfigError(`The directory request timeout must be a positive whole number of milliseconds (got ${String(options.requestTimeoutMs)}).`);
  }
  return {
    ...options,
    membershipCacheSeconds: seconds('directory.membership_cache', options.membershipCacheSeconds, 60, 300),
    memberListCacheSeconds: seconds('directory.member_list_cache', options.memberListCacheSeconds, 300, 3600),
    maxRateLimitWaitSeconds: seconds('directory.max_rate_limit_wait', options.maxRateLimitWaitSeconds, 30, 600),
    requestTimeoutMs,
  };
}
