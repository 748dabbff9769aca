import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from '../../../scripts/adapters/store/postgres-migrations.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { usePostgres } from '../../support/postgres-harness.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the PostgreSQL store from the CLI: migrate, bad settings, store copy', { timeout: 180_000 }, () => {
  const pg = usePostgres();
  const harnesses: LifecycleHarness[] = [];
  const start = async (databaseUrl?: string, configure?: (config: Record<string, unknown>) => void) => {
    const h = await LifecycleHarness.start(configure, databaseUrl ? { databaseUrl } : {});
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  it('bundles a PostgreSQL config without touching the database, passing JIT_DATABASE_URL to every tool as a secret', async () => {
    const h = await start(await pg.freshDatabase({ migrated: false }));
    const out = `${h.dir}/bundle.json`;
    const run = await h.run(undefined, ['bundle', '--out', out], { env: { JIT_DATABASE_URL: '' } });
    expect(run.code, run.stdout).toBe(0);
    const { readFileSync } = await import('node:fs');
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { tools: { name: string; env: string[]; secrets: string[] }[] };
    expect(bundle.tools.length).toBeGreaterThan(5);
    for (const tool of bundle.tools) {
      expect(tool.secrets, tool.name).toContain('JIT_DATABASE_URL');
      expect(tool.env, tool.name).not.toContain('JIT_DATABASE_URL');
    }
  });

  it('refuses to run on an unmigrated database, writing nothing, until kubiya-jit migrate has run once', async () => {
    const url = await pg.freshDatabase({ migrated: false });
    const h = await start(url);
    const refused = await h.request();
    expect(refused.code).toBe(1);
    expect(refused.json.code).toBe('store.migrations_missing');
    expect(refused.json.message).toMatch(/kubiya-jit migrate/);
    expect(refused.json.message).toContain('JIT_DATABASE_URL');
    expect(refused.stdout).not.toContain(pg.server().password);
    expect(h.messagesIn()).toHaveLength(0);
    const store = h.openStore();
    await expect(store.health()).rejects.toMatchObject({ code: 'store.migrations_missing' });
    await store.close();

    const migrated = await h.run(undefined, ['migrate']);
    expect(migrated.code, migrated.stdout).toBe(0);
    expect(migrated.json).toMatchObject({ store: 'postgres', applied: POSTGRES_MIGRATIONS.map((m) => m.version), after: POSTGRES_SCHEMA_VERSION });
    expect((await h.request()).code).toBe(0);
    const again = await h.run(undefined, ['migrate']);
    expect(again.json).toMatchObject({ applied: [], after: POSTGRES_SCHEMA_VERSION });
  });

  it('refuses a schema newer than this kubiya-jit knows, in tool runs and in migrate', async () => {
    const url = await pg.freshDatabase();
    const h = await start(url);
    const store = h.openStore();
    expect((await h.request()).code).toBe(0);
    const before = await store.count({});
    const { default: pgClient } = await import('pg');
    const client = new pgClient.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO schema_migrations (version, name) VALUES (999, 'from a newer kubiya-jit')`);
    await client.end();
    const refused = await h.request();
    expect(refused.code).toBe(1);
    expect(refused.json.code).toBe('store.schema_newer');
    expect(refused.json.message).toMatch(/version 999, newer than this kubiya-jit knows \(\d+\)/);
    expect(refused.json.message).toContain(`(${POSTGRES_SCHEMA_VERSION})`);
    const migrate = await h.run(undefined, ['migrate']);
    expect(migrate.code).toBe(1);
    expect(migrate.json.code).toBe('store.schema_newer');
    // The refused request left nothing: no row, no approvers' message beyond the first request's.
    expect(await store.count({})).toBe(before);
    expect(h.messagesIn()).toHaveLength(1);
    await store.close();
  });

  const badSettings: [string, (url: string) => Promise<Record<string, string>>, string, RegExp][] = [
    ['an unreachable server', async (url) => ({ JIT_DATABASE_URL: url.replace(/:\d+\//, `:${await closedPort()}/`) }), 'store.unreachable', /Cannot reach the PostgreSQL server at 127\.0\.0\.1:\d+\/\w+ \(JIT_DATABASE_URL\): connection refused/],
    ['a wrong password', async (url) => ({ JIT_DATABASE_URL: url.replace(/:[0-9a-f]{24}@/, ':Wr0ng-Secret-Pw@') }), 'store.auth_failed', /refused the password of user "postgres"/],
    ['a database that does not exist', async (url) => ({ JIT_DATABASE_URL: url.replace(/\/\w+$/, '/no_such_db') }), 'store.database_missing', /does not exist/],
    ['no JIT_DATABASE_URL', async () => ({ JIT_DATABASE_URL: '' }), 'config.invalid', /store\.type is postgres, but JIT_DATABASE_URL is not set/],
    ['a malformed JIT_DATABASE_URL', async () => ({ JIT_DATABASE_URL: 'mysql://admin:Wr0ng-Secret-Pw@db:3306/jit' }), 'config.invalid', /JIT_DATABASE_URL must be a PostgreSQL connection string/],
  ];
  it.each(badSettings)('gives one clear error for %s, with no secret, and writes nothing', async (_name, env, code, message) => {
    const url = await pg.freshDatabase();
    const h = await start(url);
    const overrides = await env(url);
    for (const args of [['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region":"eu-west-1"}', '--justification', 'INC-42'], ['worker', '--max-runtime', '1s'], ['migrate']]) {
      const run = await h.run(PEOPLE.dev.email, args, { env: overrides });
      expect(run.code, run.stdout).toBe(1);
      expect(run.json.code, run.stdout).toBe(code);
      expect(run.json.message).toMatch(message);
      // Neither password, nor either connection string (which carry them), in any output.
      for (const secret of [pg.server().password, 'Wr0ng-Secret-Pw', url, overrides.JIT_DATABASE_URL || url]) expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(h.messagesIn()).toHaveLength(0);
    const store = h.openStore();
    expect(await store.count({})).toBe(0);
    expect(await store.auditEvents()).toEqual([]);
    await store.close();
  });

  it('gives one clear error when TLS is required but the server does not offer it', async () => {
    const h = await start(await pg.freshDatabase(), (config) => (config.store = { type: 'postgres', tls: { mode: 'require' } }));
    const run = await h.request();
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('store.tls_refused');
    expect(run.json.message).toMatch(/does not accept TLS, and store\.tls\.mode is require/);
    expect(h.messagesIn()).toHaveLength(0);
  });

  it('store copy moves an installation, audit chain included; audit verify passes on the copy; a non-empty target is refused', async () => {
    const sqlite = await start();
    const approved = (await sqlite.request()).json.request_id as string;
    expect((await sqlite.approve(approved, PEOPLE.alice.email)).code).toBe(0);
    const rejected = (await sqlite.request()).json.request_id as string;
    expect((await sqlite.approve(rejected, PEOPLE.bob.email, 'reject')).code).toBe(0);
    expect((await sqlite.run(PEOPLE.dev.email, ['revoke_access', '--request_id', approved, '--reason', 'done'])).code).toBe(0);
    const sourceVerify = await sqlite.run(undefined, ['audit', 'verify']);
    expect(sourceVerify.code).toBe(0);
    // What the providers keep in the store travels too: a live lock, holds on shared access, a follow-up.
    const now = Date.now();
    const source = sqlite.openStore();
    expect(await source.acquireLock('aws:role:deploy', 'run-a', now + 3_600_000, now)).toBe(true);
    await source.addHold({ target: 'iam-policy:dev:arn:a', grantId: approved, expiresAt: now + 60_000, keep: true });
    await source.addHold({ target: 'iam-policy:dev:arn:a', grantId: rejected, expiresAt: now + 90_000, keep: false });
    await source.scheduleFollowUp({ key: 'deny:prod-deploy', provider: 'aws-role-trust', dueAt: now + 5_000, data: { role: 'prod-deploy', emails: ['dev@example.com'] }, attempts: 2 });
    await source.close();

    const target = await pg.freshDatabase({ migrated: false });
    const copy = await sqlite.run(undefined, ['store', 'copy', '--from', sqlite.databasePath, '--to', target]);
    expect(copy.code, copy.stdout).toBe(0);
    expect(copy.json).toMatchObject({
      requests: 2,
      events: sourceVerify.json.events,
      head_hash: sourceVerify.json.head_hash,
      applied_migrations: POSTGRES_MIGRATIONS.map((m) => m.version),
      tables: { target_locks: 1, target_holds: 2, follow_ups: 1 },
    });
    expect(copy.stdout).not.toContain(pg.server().password);
    const ledger = (await start(target)).openStore();
    expect(await ledger.listHolds('iam-policy:dev:arn:a')).toEqual([
      { target: 'iam-policy:dev:arn:a', grantId: approved, expiresAt: now + 60_000, keep: true },
      { target: 'iam-policy:dev:arn:a', grantId: rejected, expiresAt: now + 90_000, keep: false },
    ].sort((a, b) => (a.grantId < b.grantId ? -1 : 1)));
    expect(await ledger.listFollowUps()).toEqual([{ key: 'deny:prod-deploy', provider: 'aws-role-trust', dueAt: now + 5_000, data: { role: 'prod-deploy', emails: ['dev@example.com'] }, attempts: 2 }]);
    // The copied lease still holds off another owner until it ends.
    expect(await ledger.acquireLock('aws:role:deploy', 'run-b', now + 60_000, now + 1)).toBe(false);
    expect(await ledger.acquireLock('aws:role:deploy', 'run-a', now + 60_000, now + 1)).toBe(true);
    await ledger.close();

    const copied = await start(target);
    const verify = await copied.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, events: sourceVerify.json.events, head_hash: sourceVerify.json.head_hash });
    const described = await copied.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', approved]);
    expect(described.json.status).toBe('revoked');
    // The copy is live: new requests chain on after the copied head.
    expect((await copied.request()).code).toBe(0);
    expect((await copied.run(undefined, ['audit', 'verify'])).code).toBe(0);

    const again = await sqlite.run(undefined, ['store', 'copy', '--from', sqlite.databasePath, '--to', target]);
    expect(again.code).toBe(1);
    expect(again.json.code).toBe('store.copy_target_not_empty');
  });

  it('store copy refuses a source whose chain is broken, and a missing source file, copying nothing', async () => {
    const sqlite = await start();
    await sqlite.request();
    await sqlite.request();
    const store = sqlite.openStore() as unknown as { unsafeExec(sql: string): void; close(): Promise<void> };
    store.unsafeExec('DROP TRIGGER audit_events_no_update');
    store.unsafeExec(`UPDATE audit_events SET actor = 'mallory@example.com' WHERE seq = 1`);
    await store.close();
    const target = await pg.freshDatabase();
    const tampered = await sqlite.run(undefined, ['store', 'copy', '--from', sqlite.databasePath, '--to', target]);
    expect(tampered.code).toBe(1);
    expect(tampered.json.code).toBe('store.copy_source_tampered');
    expect(tampered.json.message).toMatch(/event 1 was edited/);
    const missing = await sqlite.run(undefined, ['store', 'copy', '--from', `${sqlite.dir}/nope.sqlite`, '--to', target]);
    expect(missing.json.code).toBe('store.copy_missing_source');
    const copied = await start(target);
    const check = copied.openStore();
    expect(await check.count({})).toBe(0);
    expect(await check.auditEvents()).toEqual([]);
    await check.close();
  });
});
