/**
 * The bench's big database: 100,000 requests, 10,000 of them active grants, as a SQLite file (through the
 * store port, so with its audit chain) and, copied with `store copy`'s code, as a PostgreSQL database.
 */
import { PostgresRequestStore } from '../adapters/store/postgres-request-store.js';
import { postgresSettings } from '../adapters/store/postgres-settings.js';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { AccessRequest, RequestStatus } from '../core/types.js';
import { benchRequest } from './bench-requests.js';

export const REQUESTS = 100_000;
export const ACTIVE = 10_000;

/** What the timed commands look up: an active grant's id and its requester. */
export interface BenchTarget {
  id: string;
  requester: string;
}

/**
 * Fills a new SQLite file. History over the past ~70 days, an active grant every tenth request (expiring in a
 * month, warned already), and a few pending requests from the last hour: nothing is due, so no timed run
 * sweeps. Returns an active grant from the middle.
 */
export async function fillSqlite(path: string): Promise<BenchTarget> {
  const store = SqliteRequestStore.open(path);
  const now = Date.now();
  const history: RequestStatus[] = ['access_expired', 'access_denied', 'revoked', 'access_expired', 'cancelled', 'access_expired', 'timed_out', 'access_expired', 'revoked'];
  let target: BenchTarget | undefined;
  try {
    for (let i = 0; i < REQUESTS; i += 1) {
      const created = now - (REQUESTS - i) * 60_000;
      let request: AccessRequest;
      if (i % 10 === 0) {
        request = { ...benchRequest(i, created, 'access_granted'), version: 3, decidedBy: 'alice@example.com', grantedAt: created, expiresAt: now + 30 * 86_400_000, warned: true };
      } else if (i % 1000 === 7) {
        request = benchRequest(i, now - (i % 60) * 60_000, 'approval_pending');
      } else {
        request = { ...benchRequest(i, created, history[i % history.length]!), version: 4, endedAt: created + 3_600_000 };
      }
      await store.create(request, [{ requestId: request.id, type: 'request_created', actor: request.requester, at: request.createdAt, data: {} }]);
      if (i === REQUESTS / 2) target = { id: request.id, requester: request.requester };
    }
  } finally {
    await store.close();
  }
  return target!;
}

/** Copies the SQLite file into an empty PostgreSQL database (what `kubiya-jit store copy` does). */
export async function copyToPostgres(sqlitePath: string, url: string): Promise<void> {
  const { copySqliteToPostgres } = await import('../adapters/store/copy-to-postgres.js');
  const source = SqliteRequestStore.open(sqlitePath);
  const target = new PostgresRequestStore(postgresSettings(url, { type: 'postgres' }));
  try {
    await copySqliteToPostgres(source, target, sqlitePath);
  } finally {
    await source.close();
    await target.close();
  }
}
