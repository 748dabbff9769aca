import type { Clock } from '../../core/clock.js';
import type { DirectoryCache } from './directory-options.js';

/**
 * A cached JSON value, or undefined. Never read when its window is 0: a window configured off means off, and
 * an entry written under an earlier config is ignored. An unreadable entry counts as a miss.
 */
export async function readJsonCache<T>(cache: DirectoryCache, clock: Clock, key: string, windowSeconds: number): Promise<T | undefined> {
  if (windowSeconds <= 0) return undefined;
  const raw = await cache.cacheGet(key, clock.now());
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/** Caches `value` as JSON for `windowSeconds`; nothing when the window is 0. */
export async function writeJsonCache(cache: DirectoryCache, clock: Clock, key: string, value: unknown, windowSeconds: number): Promise<void> {
  if (windowSeconds <= 0) return;
  await cache.cachePut(key, JSON.stringify(value), clock.now() + windowSeconds * 1000);
}
