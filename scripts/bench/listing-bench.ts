/**
 * Measures listing with an approver who has 10,000 active grants in scope: the first page (count included)
 * in process and as a CLI run, and paging through all of them with the cursor, 200 at a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { AccessRequest } from '../core/types.js';
import { listActiveRequests } from '../core/use-cases/queries.js';

const GRANTS = 10_000;
const RUNS = 9;
const CLI = resolve(import.meta.dirname, '..', 'cli.js');
const APPROVER = 'alice@example.com';

/** Timings in milliseconds. */
export interface ListingBench {
  grants: number;
  firstPageMedianMs: number;
  cliFirstPageMedianMs: number;
  allPagesMs: number;
  pages: number;
}

/** Builds the database, then times the first page and a full walk. */
export async function benchListing(): Promise<ListingBench> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-list-'));
  try {
    const database = join(dir, 'jit.sqlite');
    const config = join(dir, 'jit.json');
    writeFileSync(config, JSON.stringify({ directory: { type: 'config', groups: { approvers: [APPROVER] } }, enforcer: { type: 'none' } }));
    const store = SqliteRequestStore.open(database);
    const now = Date.now();
    for (let i = 0; i < GRANTS; i += 1) await store.create(grant(i, now), []);
    const deps = { store, clock: { now: () => now } };
    const firstPage: number[] = [];
    for (let i = 0; i < RUNS; i += 1) firstPage.push(await time(() => listActiveRequests(deps, { actorEmail: APPROVER })));
    let pages = 0;
    const allPagesMs = await time(async () => {
      let cursor: string | undefined;
      do {
        cursor = (await listActiveRequests(deps, { actorEmail: APPROVER, limit: 200, ...(cursor ? { cursor } : {}) })).nextCursor;
        pages += 1;
      } while (cursor);
    });
    await store.close();
    const env = { ...process.env, JIT_CONFIG: config, JIT_DATABASE: database, JIT_LOG_FILE: join(dir, 'log'), KUBIYA_USER_EMAIL: APPROVER };
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      cli.push(
        await time(async () => {
          const run = spawnSync(process.execPath, [CLI, 'list_active_access_requests'], { env, encoding: 'utf8' });
          if (run.status !== 0 || !run.stdout.includes(`of ${GRANTS}`)) throw new Error(`list failed: ${run.stdout}${run.stderr}`);
        }),
      );
    }
    return { grants: GRANTS, firstPageMedianMs: median(firstPage), cliFirstPageMedianMs: median(cli), allPagesMs, pages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function grant(i: number, now: number): AccessRequest {
  const at = now - GRANTS * 1000 + i * 1000;
  return {
    id: `req_${i.toString(16).padStart(16, '0')}`,
    status: 'access_granted',
    version: 1,
    toolName: 'create_ec2',
    toolParams: { region: 'eu-west-1' },
    requester: `user${i % 500}@example.com`,
    requestedBy: `user${i % 500}@example.com`,
    justification: `Ticket OPS-${i}`,
    ttlSeconds: 3600,
    approverGroups: ['approvers'],
    approvers: [APPROVER],
    routing: { source: 'mapping', groups: ['approvers'], explanation: 'mapped' },
    preview: { provider: 'enforcer', summary: ['Enforcer allows create_ec2'], documents: {} },
    createdAt: at,
    updatedAt: at,
    // Far from expiry and already warned: nothing is due, so the CLI runs do not sweep.
    expiresAt: now + 86_400_000 * 30,
    endAttempts: 0,
    warned: true,
    alerted: false,
  };
}

async function time(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
