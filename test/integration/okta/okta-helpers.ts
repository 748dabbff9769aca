/**
 * Shared setup for the Okta integration tests: an in-memory fake of the store's cache pair (a fake of
 * storage, not of the code under test), a logger that records, and a directory wired to a stand-in.
 */
import { ManualClock } from '../../../scripts/core/clock.js';
import type { Logger } from '../../../scripts/core/ports.js';
import { createOktaDirectory, type DirectoryCache, type OktaDirectory, type OktaDirectoryOptions } from '../../../scripts/adapters/okta/okta-directory.js';
import type { OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';

/** The store's cacheGet / cachePut pair, kept in a Map with the same expiry rule. */
export class MemoryCache implements DirectoryCache {
  readonly entries = new Map<string, { value: string; expiresAt: number }>();

  async cacheGet(key: string, now: number): Promise<string | undefined> {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > now ? entry.value : undefined;
  }

  async cachePut(key: string, value: string, expiresAt: number): Promise<void> {
    this.entries.set(key, { value, expiresAt });
  }
}

/** A logger that keeps what it is told. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** A directory on the real SDK, pointed at the stand-in with its API token. */
export async function directoryFor(
  server: OktaWireServer,
  overrides: Partial<OktaDirectoryOptions> & { env?: Record<string, string | undefined> } = {},
): Promise<{ directory: OktaDirectory; clock: ManualClock; cache: MemoryCache; log: RecordingLogger }> {
  const clock = overrides.clock instanceof ManualClock ? overrides.clock : new ManualClock(Date.UTC(2030, 0, 1));
  const cache = overrides.cache instanceof MemoryCache ? overrides.cache : new MemoryCache();
  const log = new RecordingLogger();
  const { env, ...options } = overrides;
  const directory = await createOktaDirectory(env ?? { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: server.token }, {
    log,
    ...options,
    cache,
    clock,
  });
  return { directory, clock, cache, log };
}

/** Catches what `promise` rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection, got a result');
}
