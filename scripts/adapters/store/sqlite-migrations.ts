import type Database from 'better-sqlite3';
import { schemaBehind, schemaNewer } from './store-errors.js';

/** A column a migration adds when the table lacks it (SQLite has no ADD COLUMN IF NOT EXISTS). */
export interface AddedColumn {
  table: string;
  column: string;
  type: string;
}

/** One schema step: columns to add when missing, then SQL. */
export interface SqliteMigration {
  version: number;
  name: string;
  addColumns?: readonly AddedColumn[];
  sql: string;
}

/**
 * Versioned schema migrations for the SQLite store. Append a new entry to change the schema; never edit one
 * that has shipped, because databases on Kubiya volumes have already applied it.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'requests, audit events, cache',
    sql: `
      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        tool_name TEXT NOT NULL,
        requester TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        next_attempt_at INTEGER,
        warned INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL
      );
      CREATE INDEX requests_by_status_expiry ON requests (status, expires_at);
      CREATE INDEX requests_by_requester ON requests (requester, created_at);
      CREATE INDEX requests_by_created ON requests (created_at);

      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
        request_id TEXT,
        type TEXT NOT NULL,
        actor TEXT NOT NULL,
        at INTEGER NOT NULL,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_by_request ON audit_events (request_id, seq);
      -- Append-only: the package never changes an event. The hash chain still catches anyone who drops these.
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'indexes for the next-due lookup every tool run makes',
    sql: `
      CREATE INDEX requests_by_status_created ON requests (status, created_at);
      CREATE INDEX requests_by_status_warned_expiry ON requests (status, warned, expires_at);
    `,
  },
  {
    version: 4,
    name: 'target locks, holds on shared access, provider follow-ups',
    sql: `
      -- A lease per target (an AWS role, a user and policy, an assignment): one owner until 'until' (epoch ms).
      CREATE TABLE target_locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL
      );
      -- Which grants hold a shared access; only the package writes here (not names on the target anyone could create).
      CREATE TABLE target_holds (
        target TEXT NOT NULL,
        grant_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        keep INTEGER NOT NULL,
        PRIMARY KEY (target, grant_id)
      );
      CREATE TABLE follow_ups (
        key TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX follow_ups_by_due ON follow_ups (due_at);
    `,
  },
  {
    version: 5,
    name: 'indexes for analytics windows',
    sql: `
      CREATE INDEX IF NOT EXISTS requests_by_updated ON requests (updated_at);
      CREATE INDEX IF NOT EXISTS audit_by_at ON audit_events (at);
      CREATE INDEX IF NOT EXISTS audit_by_type_at ON audit_events (type, at);
    `,
  },
  {
    version: 6,
    name: 'removal leases beside the request; the notification outbox',
    // The lease lives beside the request, not in its body: renewing it must not change the request's version.
    // Idempotent (columns added only when missing, IF NOT EXISTS elsewhere): databases from before the
    // renumbering applied this same schema as version 3.
    addColumns: [
      { table: 'requests', column: 'lease_owner', type: 'TEXT' },
      { table: 'requests', column: 'lease_until', type: 'INTEGER' },
    ],
    sql: `
      CREATE INDEX IF NOT EXISTS requests_by_lease ON requests (lease_until) WHERE lease_until IS NOT NULL;

      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY,
        request_id TEXT,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        dedupe_key TEXT UNIQUE,
        state TEXT NOT NULL DEFAULT 'pending',
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        lease_owner TEXT,
        lease_until INTEGER,
        settled_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS outbox_by_state_next ON outbox (state, next_attempt_at);
      CREATE INDEX IF NOT EXISTS outbox_by_request ON outbox (request_id, id);
      CREATE INDEX IF NOT EXISTS outbox_by_state_settled ON outbox (state, settled_at);
    `,
  },
  {
    version: 7,
    name: 'request facts for analytics as columns',
    // Analytics reads these for every request of a window; parsing each full JSON body cost seconds at 100,000.
    sql: `
      ALTER TABLE requests ADD COLUMN decided_by TEXT;
      ALTER TABLE requests ADD COLUMN decided_at INTEGER;
      ALTER TABLE requests ADD COLUMN granted_at INTEGER;
      ALTER TABLE requests ADD COLUMN ended_at INTEGER;
      ALTER TABLE requests ADD COLUMN ttl_seconds INTEGER;
      ALTER TABLE requests ADD COLUMN end_attempts INTEGER;
      ALTER TABLE requests ADD COLUMN provider TEXT;
      ALTER TABLE requests ADD COLUMN granted_provider TEXT;
      ALTER TABLE requests ADD COLUMN approver_groups TEXT;
      ALTER TABLE requests ADD COLUMN tool_params TEXT;
      UPDATE requests SET
        decided_by = json_extract(body, '$.decidedBy'),
        decided_at = json_extract(body, '$.decidedAt'),
        granted_at = json_extract(body, '$.grantedAt'),
        ended_at = json_extract(body, '$.endedAt'),
        ttl_seconds = json_extract(body, '$.ttlSeconds'),
        end_attempts = json_extract(body, '$.endAttempts'),
        provider = json_extract(body, '$.preview.provider'),
        granted_provider = json_extract(body, '$.grantedWith.provider'),
        approver_groups = json_extract(body, '$.approverGroups'),
        tool_params = json_extract(body, '$.toolParams');
    `,
  },
  {
    version: 8,
    name: 'sweepers claim due work',
    addColumns: [
      { table: 'requests', column: 'claimed_by', type: 'TEXT' },
      { table: 'requests', column: 'claimed_until', type: 'INTEGER' },
    ],
    sql: `
      CREATE INDEX IF NOT EXISTS requests_by_claim ON requests (claimed_by) WHERE claimed_by IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'console sessions and personal API tokens (hashed)',
    sql: `
      -- Only the SHA-256 of each secret is kept: a copy of the file does not let anyone sign in or call the API.
      CREATE TABLE IF NOT EXISTS credentials (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        owner TEXT NOT NULL,
        label TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS credentials_by_owner ON credentials (owner, kind, created_at);
    `,
  },
  {
    version: 10,
    name: 'audit checkpoints; analytics reads from covering indexes',
    // PostgreSQL migration 6 has the same checkpoints. The two indexes hold every column analytics reads, so a
    // window of 100,000 requests and its events are read from the indexes alone rather than from full rows
    // (and the approvals that changed a TTL are found among 100,000 without reading each row). They replace
    // the narrower indexes they start with.
    sql: `
      CREATE TABLE IF NOT EXISTS audit_checkpoints (
        seq INTEGER PRIMARY KEY,
        hash TEXT NOT NULL,
        verified_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS requests_analytics ON requests (
        updated_at, created_at, status, id, tool_name, requester, expires_at, decided_by, decided_at, granted_at,
        ended_at, ttl_seconds, end_attempts, provider, granted_provider, approver_groups, tool_params
      );
      DROP INDEX IF EXISTS requests_by_updated;
      CREATE INDEX IF NOT EXISTS audit_analytics ON audit_events (type, at, request_id, actor, data);
      DROP INDEX IF EXISTS audit_by_type_at;
    `,
  },
  {
    version: 11,
    name: 'follow-ups are claimed',
    addColumns: [
      { table: 'follow_ups', column: 'claimed_by', type: 'TEXT' },
      { table: 'follow_ups', column: 'claimed_until', type: 'INTEGER' },
    ],
    sql: '',
  },
];

/** The newest schema version this code knows. */
export const SQLITE_SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));

/**
 * Applies pending migrations, each in its own write transaction (so two processes opening a new file at once
 * apply each once). A file migrated by a newer kubiya-jit is refused, not touched.
 */
export function migrateSqlite(db: Database.Database, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  if (newest > SQLITE_SCHEMA_VERSION) throw schemaNewer(path, newest, SQLITE_SCHEMA_VERSION, 'JIT_DATABASE');
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      // Another process may have applied it between our read and this write lock.
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (done) return;
      for (const { table, column, type } of migration.addColumns ?? []) {
        const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
        if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}

/** The file's schema version, checked against this code's: the health check of a SQLite store. */
export function sqliteSchemaVersion(db: Database.Database, path: string): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  const version = row.version ?? 0;
  if (version > SQLITE_SCHEMA_VERSION) throw schemaNewer(path, version, SQLITE_SCHEMA_VERSION, 'JIT_DATABASE');
  if (version < SQLITE_SCHEMA_VERSION) throw schemaBehind(path, version, SQLITE_SCHEMA_VERSION, 'Run any kubiya-jit command against it (SQLite files are migrated when opened).');
  return version;
}
