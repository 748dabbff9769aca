import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { CLI, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { usePostgres } from '../../support/postgres-harness.js';
import { seedDueGrants, until } from '../../support/race-scenarios.js';

/** `kubiya-jit worker --metrics-port 0` as a service: its JSON log lines, its port, its exit. */
class ServiceWorker {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private buffer = '';

  constructor(h: LifecycleHarness) {
    this.child = spawn(process.execPath, [CLI, 'worker', '--metrics-port', '0', '--metrics-host', '127.0.0.1'], { env: h.env(undefined) });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop()!;
      for (const line of parts.filter(Boolean)) {
        this.raw.push(line);
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    this.exited = new Promise((done) => this.child.on('close', (code) => done(code ?? -1)));
  }

  async port(): Promise<number> {
    await until(async () => this.lines.some((l) => l.message === 'worker started'), 'the worker to start', 60_000);
    return this.lines.find((l) => l.message === 'worker started')!.metricsPort as number;
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://127.0.0.1:${await this.port()}${path}`);
    return { status: res.status, text: await res.text() };
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }
}

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('the worker as a service, on PostgreSQL', { timeout: 180_000 }, () => {
  const postgres = usePostgres();
  let h: LifecycleHarness | undefined;
  let worker: ServiceWorker | undefined;
  afterEach(async () => {
    worker?.signal('SIGKILL');
    await worker?.exited;
    worker = undefined;
    await h?.close();
    h = undefined;
  });

  it('serves health, readiness and metrics, logs JSON lines, and wakes on a write from another process to end a grant on time', async () => {
    h = await LifecycleHarness.start(undefined, { databaseUrl: await postgres.freshDatabase() });
    worker = new ServiceWorker(h);
    await worker.port();
    const startedAt = Date.now();
    expect(await worker.get('/healthz')).toMatchObject({ status: 200 });
    expect(await worker.get('/readyz')).toEqual({ status: 200, text: '{"status":"ready"}\n' });

    // Nothing was due when the worker went to sleep (for up to 30 s); only the database's notification of this
    // approval, made by another process, can wake it in time to end the grant at its expiry.
    const short = (await h.request({ ttl: '3s' })).json.request_id as string;
    expect((await h.approve(short, PEOPLE.alice.email)).code).toBe(0);
    const store = h.openStore();
    try {
      await until(async () => (await store.get(short))?.status === 'access_expired', 'the short grant to end', 60_000);
      const ended = (await store.get(short))!;
      expect(ended.endedAt! - startedAt).toBeLessThan(30_000);
    } finally {
      await store.close();
    }
    expect(h.grants()[short]).toBeUndefined();

    const long = (await h.request({ ttl: '1h' })).json.request_id as string;
    expect((await h.approve(long, PEOPLE.alice.email)).code).toBe(0);
    const metrics = (await worker.get('/metrics')).text;
    expect(metric(metrics, 'kubiya_jit_active_grants')).toBe(1);
    expect(metric(metrics, 'kubiya_jit_grants_ending')).toBe(0);
    expect(metrics).toContain('kubiya_jit_grants_ended_total{kind="expire"} 1');
    expect(metric(metrics, 'kubiya_jit_revocation_lag_seconds_count')).toBe(1);
    expect(metric(metrics, 'kubiya_jit_removal_failures_total')).toBe(0);
    expect(metric(metrics, 'kubiya_jit_removal_retries_total')).toBe(0);
    expect(metric(metrics, 'kubiya_jit_sweep_duration_seconds_count')).toBeGreaterThan(0);

    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    // Every line on stdout is one JSON object, ending with the summary.
    expect(worker.lines.length).toBe(worker.raw.length);
    expect(worker.lines.every((l) => typeof l.level === 'string' && typeof l.message === 'string' && typeof l.at === 'string')).toBe(true);
    expect(worker.lines.at(-1)).toMatchObject({ message: 'worker stopped', ended: 1 });
  });

  it('counts failed removals and their retries, and the lag of a removal that needed them', async () => {
    h = await LifecycleHarness.start(undefined, { databaseUrl: await postgres.freshDatabase() });
    const store = h.openStore();
    const [id] = await seedDueGrants(store, 1, 'flaky');
    await store.close();
    h.opa.injectFault({ status: 500, times: 1 });
    worker = new ServiceWorker(h);
    await worker.port();
    const check = h.openStore();
    try {
      // The first removal fails; the retry, after the 5 s backoff, succeeds.
      await until(async () => (await check.get(id!))?.status === 'access_expired', 'the retried removal', 60_000);
    } finally {
      await check.close();
    }
    const metrics = (await worker.get('/metrics')).text;
    expect(metric(metrics, 'kubiya_jit_removal_failures_total')).toBe(1);
    expect(metric(metrics, 'kubiya_jit_removal_retries_total')).toBe(1);
    expect(metrics).toContain('kubiya_jit_grants_ended_total{kind="expire"} 1');
    // The grant expired a minute before the worker started: its lag is over 60 s.
    expect(metric(metrics, 'kubiya_jit_revocation_lag_seconds_bucket{le="30"}')).toBe(0);
    expect(metric(metrics, 'kubiya_jit_revocation_lag_seconds_bucket{le="300"}')).toBe(1);
  });

  it('on SIGTERM finishes the removal in progress, takes no new work, releases its claims and exits 0', async () => {
    // One removal at a time, so that two of the three grants are still waiting when SIGTERM arrives.
    const oneAtATime = (config: Record<string, unknown>) => void (config.expiry = { ...(config.expiry as object), concurrency: 1 });
    h = await LifecycleHarness.start(oneAtATime, { databaseUrl: await postgres.freshDatabase(), opaDeleteDelayMs: 2_000 });
    const store = h.openStore();
    const ids = await seedDueGrants(store, 3, 'term');
    const running = (worker = new ServiceWorker(h));
    const opa = h.opa;
    await until(async () => opa.requests.some((r) => r.method === 'DELETE'), 'a removal to start', 60_000);
    worker.signal('SIGTERM');
    // The signal arrives asynchronously: once the worker says it is stopping (its removal still held at OPA),
    // it must no longer be ready.
    await until(async () => running.lines.some((l) => l.message === 'worker stopping: finishing the removals in progress'), 'the worker to take SIGTERM', 10_000);
    expect((await worker.get('/readyz')).status).toBe(503);
    expect(await worker.exited).toBe(0);
    try {
      const statuses = await Promise.all(ids.map(async (id) => (await store.get(id))?.status));
      expect(statuses.sort()).toEqual(['access_expired', 'access_granted', 'access_granted']);
      expect(opa.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
      const client = new pg.Client({ connectionString: h.databaseUrl });
      await client.connect();
      const claimed = await client.query('SELECT COUNT(*)::int AS n FROM requests WHERE claimed_by IS NOT NULL OR lease_owner IS NOT NULL');
      await client.end();
      expect(claimed.rows[0].n).toBe(0);
      expect(worker.lines.map((l) => l.message)).toEqual(expect.arrayContaining(['worker stopping: finishing the removals in progress', 'worker stopped']));
    } finally {
      await store.close();
    }
  });

  it('reports not ready, with the reason and no secret, once the schema is newer than it knows', async () => {
    h = await LifecycleHarness.start(undefined, { databaseUrl: await postgres.freshDatabase() });
    worker = new ServiceWorker(h);
    expect((await worker.get('/readyz')).status).toBe(200);
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    await client.query(`INSERT INTO schema_migrations (version, name) VALUES (999, 'newer')`);
    await client.end();
    const ready = await worker.get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/newer than this kubiya-jit knows/) });
    expect(ready.text).not.toContain(postgres.server().password);
    expect((await worker.get('/healthz')).status).toBe(200);
    expect((await worker.get('/nope')).status).toBe(404);
  });

  it('with a jit config that cannot be read at all, the sweep and the worker still end the grants in PostgreSQL (never a SQLite file)', async () => {
    h = await LifecycleHarness.start(undefined, { databaseUrl: await postgres.freshDatabase() });
    const short = (await h.request({ ttl: '3s' })).json.request_id as string;
    expect((await h.approve(short, PEOPLE.alice.email)).code).toBe(0);
    expect(h.grants()[short]).toBeDefined();
    // The store section goes with the file; only JIT_DATABASE_URL says where the grants are.
    writeFileSync(h.configPath, '{"store": ');
    await new Promise((done) => setTimeout(done, 3_100));

    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.code, sweep.stdout).toBe(1);
    expect(sweep.json.code).toBe('config.invalid');
    expect(sweep.json.expired).toEqual([short]);
    expect(h.grants()[short]).toBeUndefined();
    const store = h.openStore();
    try {
      expect((await store.get(short))?.status).toBe('access_expired');
    } finally {
      await store.close();
    }
    expect(existsSync(h.databasePath)).toBe(false);

    // The worker reads the same database, so it is ready (on a SQLite fallback it was not).
    worker = new ServiceWorker(h);
    expect(await worker.get('/readyz')).toEqual({ status: 200, text: '{"status":"ready"}\n' });
    expect(existsSync(h.databasePath)).toBe(false);
  });

  it('refuses a bad --metrics-port, and a database it cannot use, before it starts', async () => {
    h = await LifecycleHarness.start(undefined, { databaseUrl: await postgres.freshDatabase({ migrated: false }) });
    const badPort = await h.run(undefined, ['worker', '--metrics-port', 'http']);
    expect(badPort.json.code).toBe('cli.bad_metrics_port');
    const unmigrated = await h.run(undefined, ['worker', '--metrics-port', '0']);
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stdout).toContain('store.migrations_missing');
  });
});
