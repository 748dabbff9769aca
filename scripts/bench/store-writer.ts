/**
 * One writing process for the multi-process store tests and the bench: creates `--count` requests through the
 * store port, each with its `request_created` event, and moves each through two compare-and-swap transitions
 * (approve → granting → access_granted), each with an event. Prints one JSON line: what it wrote and how long
 * it took. Run as `node dist/scripts/bench/store-writer.js --store sqlite|postgres --target PATH|URL --count N --prefix P`.
 */
import { performance } from 'node:perf_hooks';
import { PostgresRequestStore } from '../adapters/store/postgres-request-store.js';
import { postgresSettings } from '../adapters/store/postgres-settings.js';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { RequestStore } from '../core/ports.js';
import type { AccessRequest } from '../core/types.js';
import { benchRequest } from './bench-requests.js';

/** Opens the store a bench or test process names on its command line. */
export function openNamedStore(kind: string, target: string): RequestStore {
  if (kind === 'postgres') return new PostgresRequestStore(postgresSettings(target, { type: 'postgres', pool_size: 2 }));
  return SqliteRequestStore.open(target);
}

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1]!);
  const count = Number(args.get('count') ?? 100);
  const prefix = args.get('prefix') ?? `w${process.pid}`;
  const store = openNamedStore(args.get('store') ?? 'sqlite', args.get('target')!);
  const start = performance.now();
  let transitions = 0;
  try {
    for (let i = 0; i < count; i += 1) {
      const now = Date.now();
      const request: AccessRequest = { ...benchRequest(i, now), id: `req_${prefix}_${String(i).padStart(6, '0')}`, status: 'approval_pending', warned: false };
      await store.create(request, [{ requestId: request.id, type: 'request_created', actor: request.requester, at: now, data: {} }]);
      const granting: AccessRequest = { ...request, status: 'granting', version: 2, decidedBy: 'alice@example.com', decidedAt: now };
      if (await store.update(request, granting, [{ requestId: request.id, type: 'request_approved', actor: 'alice@example.com', at: now, data: {} }])) transitions += 1;
      const granted: AccessRequest = { ...granting, status: 'access_granted', version: 3, grantedAt: now, expiresAt: now + 3_600_000 };
      if (await store.update(granting, granted, [{ requestId: request.id, type: 'access_granted', actor: 'kubiya-jit', at: now, data: {} }])) transitions += 1;
    }
  } finally {
    await store.close();
  }
  const ms = performance.now() - start;
  process.stdout.write(`${JSON.stringify({ prefix, created: count, transitions, writes: count + transitions, ms })}\n`);
}

if (process.argv[1]?.endsWith('store-writer.js')) await main();
