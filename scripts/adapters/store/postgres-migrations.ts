/**
 * Versioned schema migrations for the PostgreSQL store. `kubiya-jit migrate` applies them; every other run
 * only checks them ({@link checkPostgresSchema}), so a tool run never changes a schema other runners share.
 * Append a new entry to change the schema; never edit one that has shipped.
 */
import type { PoolClient } from 'pg';
import { GENESIS_HASH } from '../../core/audit-chain.js';
import { schemaBehind, schemaNewer } from './store-errors.js';

/** One migration: its number, a name for the record, and the SQL (run in one transaction). */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'requests, audit events and their chain head, cache, change notifications',
    sql: `
      CREATE TABLE requests (
        id text PRIMARY KEY,
        status text NOT NULL,
        version integer NOT NULL,
        tool_name text NOT NULL,
        requester text NOT NULL,
        approvers text[] NOT NULL DEFAULT '{}',
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        expires_at bigint,
        next_attempt_at bigint,
        warned boolean NOT NULL DEFAULT false,
        claimed_by text,
        claimed_until bigint,
        body text NOT NULL
      );
      CREATE INDEX requests_by_status_expiry ON requests (status, expires_at);
      CREATE INDEX requests_by_status_warned_expiry ON requests (status, warned, expires_at);
      CREATE INDEX requests_by_status_created ON requests (status, created_at);
      CREATE INDEX requests_by_requester ON requests (requester, created_at);
      CREATE INDEX requests_by_created ON requests (created_at);
      CREATE INDEX requests_by_approver ON requests USING gin (approvers);
      CREATE INDEX requests_by_claim ON requests (claimed_by) WHERE claimed_by IS NOT NULL;

      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY,
        request_id text,
        type text NOT NULL,
        actor text NOT NULL,
        at bigint NOT NULL,
        data text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_by_request ON audit_events (request_id, seq);
      -- Append-only: the package never changes or removes an event. The hash chain still catches anyone who drops these.
      CREATE FUNCTION kubiya_jit_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$;
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION kubiya_jit_audit_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION kubiya_jit_audit_append_only();

      -- The chain head: every append locks this one row (FOR UPDATE) inside the transaction of the request
      -- change, so appends from any number of processes form one linear chain.
      CREATE TABLE audit_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
      );
      INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}');

      -- Appends events after the head, in the caller's transaction: locks the head row, numbers and hashes each
      -- event (sha256 of before || prev_hash || between || seq || after: the core's hashLayout, the same hash
      -- chainEvent computes), moves the head. Running in the server, the head is held for no client round trip.
      CREATE FUNCTION kubiya_jit_append(request_ids text[], types text[], actors text[], ats bigint[], datas text[],
          befores text[], betweens text[], afters text[]) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
          head_seq bigint;
          head_hash text;
          next_hash text;
        BEGIN
          SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
          IF NOT FOUND THEN RAISE EXCEPTION 'audit_head row is missing: the schema was changed outside kubiya-jit migrate'; END IF;
          FOR i IN 1 .. coalesce(array_length(types, 1), 0) LOOP
            head_seq := head_seq + 1;
            next_hash := encode(sha256(convert_to(befores[i] || head_hash || betweens[i] || head_seq::text || afters[i], 'UTF8')), 'hex');
            INSERT INTO audit_events (seq, request_id, type, actor, at, data, prev_hash, hash)
              VALUES (head_seq, request_ids[i], types[i], actors[i], ats[i], datas[i], head_hash, next_hash);
            head_hash := next_hash;
          END LOOP;
          UPDATE audit_head SET seq = head_seq, hash = head_hash WHERE id = 1;
          RETURN head_seq;
        END $$;

      CREATE TABLE cache (
        key text PRIMARY KEY,
        value text NOT NULL,
        expires_at bigint NOT NULL
      );

      -- Wakes every listening worker, on any host, when a request changes in a way that can move its due time.
      -- Notifications are sent at commit and identical ones in a transaction are merged, so this costs one per write.
      CREATE FUNCTION kubiya_jit_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('kubiya_jit_changes', ''); RETURN NULL; END $$;
      CREATE TRIGGER requests_changed AFTER INSERT OR UPDATE OF status, expires_at, next_attempt_at, warned ON requests
        FOR EACH ROW EXECUTE FUNCTION kubiya_jit_notify_change();
    `,
  },
  {
    version: 2,
    name: 'target locks, holds on shared access, provider follow-ups; indexes for analytics windows',
    sql: `
      -- The providers' TargetLedger (SQLite migrations 4 and 5). Keys are compared byte by byte (COLLATE "C"),
      -- as SQLite does, so both stores list them in the same order whatever the database's locale.
      -- A lease per target (an AWS role, a user and policy, an assignment): one owner until 'until' (epoch ms).
      CREATE TABLE target_locks (
        name text COLLATE "C" PRIMARY KEY,
        owner text NOT NULL,
        until bigint NOT NULL
      );
      -- Which grants hold a shared access; only the package writes here.
      CREATE TABLE target_holds (
        target text COLLATE "C" NOT NULL,
        grant_id text COLLATE "C" NOT NULL,
        expires_at bigint NOT NULL,
        keep boolean NOT NULL,
        PRIMARY KEY (target, grant_id)
      );
      CREATE TABLE follow_ups (
        key text COLLATE "C" PRIMARY KEY,
        provider text NOT NULL,
        due_at bigint NOT NULL,
        data text NOT NULL,
        attempts integer NOT NULL DEFAULT 0
      );
      CREATE INDEX follow_ups_by_due ON follow_ups (due_at, key);

      CREATE INDEX requests_by_updated ON requests (updated_at);
      CREATE INDEX audit_by_at ON audit_events (at);
      CREATE INDEX audit_by_type_at ON audit_events (type, at);
    `,
  },
  {
    version: 3,
    name: 'requests by who made them',
    sql: `
      -- The requestedBy filter (requests one person made, for themselves or on someone's behalf, in a window)
      -- runs before every new request; the list query uses exactly this expression.
      CREATE INDEX requests_by_requested_by ON requests (((body::jsonb) ->> 'requestedBy'), created_at);
    `,
  },
  {
    version: 4,
    name: 'removal leases beside the request; the notification outbox',
    sql: `
      -- SQLite migration 6. The lease lives beside the request, not in its body: renewing it must not change the
      -- request's version. Lease changes do not notify (the change trigger names its columns): a worker learns a
      -- lease's end from nextDueAt.
      ALTER TABLE requests ADD COLUMN lease_owner text, ADD COLUMN lease_until bigint;
      CREATE INDEX requests_by_lease ON requests (lease_until) WHERE lease_until IS NOT NULL;

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        request_id text,
        kind text NOT NULL,
        data text NOT NULL,
        dedupe_key text UNIQUE,
        state text NOT NULL DEFAULT 'pending',
        created_at bigint NOT NULL,
        next_attempt_at bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        lease_owner text,
        lease_until bigint,
        settled_at bigint
      );
      CREATE INDEX outbox_by_state_next ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_by_request ON outbox (request_id, id);
      CREATE INDEX outbox_by_state_settled ON outbox (state, settled_at);
      -- A message written without a request change (a config alert) wakes the workers too.
      CREATE TRIGGER outbox_added AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION kubiya_jit_notify_change();
    `,
  },
  {
    version: 5,
    name: 'console sessions and personal API tokens (hashed)',
    sql: `
      -- SQLite migration 9. Only the SHA-256 of each secret is kept: a copy of the database lets no one sign in.
      CREATE TABLE credentials (
        id text PRIMARY KEY,
        kind text NOT NULL,
        owner text NOT NULL,
        label text NOT NULL,
        secret_hash text NOT NULL UNIQUE,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        revoked_at bigint
      );
      CREATE INDEX credentials_by_owner ON credentials (owner, kind, created_at);
    `,
  },
  {
    version: 6,
    name: 'audit checkpoints',
    sql: `
      -- SQLite migration 10. Where the chain was last verified intact, so a check rehashes only what came after.
      CREATE TABLE audit_checkpoints (
        seq bigint PRIMARY KEY,
        hash text NOT NULL,
        verified_at bigint NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'follow-ups are claimed',
    sql: `
      -- SQLite migration 11. Two workers never run one follow-up at once; a claim lapses if its owner dies.
      ALTER TABLE follow_ups ADD COLUMN claimed_by text, ADD COLUMN claimed_until bigint;
    `,
  },
];

/** The newest schema version this code knows. */
export const POSTGRES_SCHEMA_VERSION = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));

/** The channel the change trigger notifies. */
export const CHANGES_CHANNEL = 'kubiya_jit_changes';

// Held while migrating, so two `kubiya-jit migrate` runs at once apply each migration once.
const MIGRATE_LOCK = 7_406_179_003;

/** What {@link migratePostgres} did. */
export interface MigrationReport {
  before: number;
  after: number;
  applied: number[];
}

/**
 * Applies the migrations the database lacks, each in its own transaction with its record in
 * `schema_migrations`, under an advisory lock. Refuses, touching nothing, a schema newer than this code.
 */
export async function migratePostgres(client: PoolClient, location: string): Promise<MigrationReport> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = await appliedVersions(client);
    const before = Math.max(0, ...applied);
    if (before > POSTGRES_SCHEMA_VERSION) throw schemaNewer(location, before, POSTGRES_SCHEMA_VERSION, 'JIT_DATABASE_URL');
    const done: number[] = [];
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      done.push(migration.version);
    }
    return { before, after: Math.max(before, ...done), applied: done };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => undefined);
  }
}

/**
 * Checks, without changing anything, that the database has exactly the migrations this code knows: what every
 * run does before its first query. Throws an error naming what to run otherwise.
 */
export async function checkPostgresSchema(client: PoolClient, location: string): Promise<void> {
  let applied: Set<number>;
  try {
    applied = await appliedVersions(client);
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') applied = new Set(); // undefined_table: never migrated
    else throw err;
  }
  const newest = Math.max(0, ...applied);
  if (newest > POSTGRES_SCHEMA_VERSION) throw schemaNewer(location, newest, POSTGRES_SCHEMA_VERSION, 'JIT_DATABASE_URL');
  const missing = POSTGRES_MIGRATIONS.filter((m) => !applied.has(m.version));
  if (missing.length > 0) {
    throw schemaBehind(location, newest, POSTGRES_SCHEMA_VERSION, 'Run kubiya-jit migrate (with the same JIT_DATABASE_URL and store settings), then retry; tool runs never migrate a shared database themselves.');
  }
}

async function appliedVersions(client: PoolClient): Promise<Set<number>> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => Number(r.version)));
}
