import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainEvent, GENESIS_HASH } from '../../core/audit-chain.js';
import type { DueThresholds, FollowUp, NewOutboxMessage, OutboxMessage, OutboxOutcome, RequestFilter, RequestStore, StoredCredential, TargetHold } from '../../core/ports.js';
import type { AccessRequest, AuditEvent, Json, NewAuditEvent } from '../../core/types.js';
import type { OpenStoreOptions } from './open-request-store.js';
import { describeOpenError, missingDatabase } from './sqlite-open-errors.js';
import type { EventFacts, RequestFacts } from '../../core/analytics/analytics-types.js';
import { FACT_COLUMNS, FACT_UPDATES, FACT_VALUES, factColumns, SqliteAnalyticsReads } from './sqlite-analytics-reads.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteCredentials } from './sqlite-credentials.js';
import { claimOutbox, insertOutbox, listOutbox, nextOutboxAt, settleOutbox } from './sqlite-outbox.js';
import { SqliteTargetLedger } from './sqlite-target-ledger.js';

type Row = { body: string };
type AuditRow = { seq: number; request_id: string | null; type: string; actor: string; at: number; data: string; prev_hash: string; hash: string };

/**
 * The default {@link RequestStore}: one SQLite file through better-sqlite3, in WAL mode with a busy timeout
 * so several tool runs on the same volume can write safely. The full request is stored as JSON in `body`;
 * the other columns are copies kept for indexing and compare-and-swap.
 */
export class SqliteRequestStore implements RequestStore {
  private readonly ledger: SqliteTargetLedger;
  private readonly analytics: SqliteAnalyticsReads;
  private readonly credentials: SqliteCredentials;

  private constructor(private readonly db: Database.Database) {
    this.ledger = new SqliteTargetLedger(db);
    this.analytics = new SqliteAnalyticsReads(db);
    this.credentials = new SqliteCredentials(db);
  }

  /**
   * Opens the database at `path` and applies pending migrations. Creates it (and its folder) unless
   * `mustExist` is set, in which case a missing file is a `store.not_found` error and nothing is created.
   */
  static open(path: string, options: OpenStoreOptions = {}): SqliteRequestStore {
    if (options.mustExist && path !== ':memory:' && !existsSync(path)) throw missingDatabase(path, options.command);
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:' && !options.mustExist) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { fileMustExist: options.mustExist === true && path !== ':memory:' });
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      return new SqliteRequestStore(db);
    } catch (err) {
      db?.close();
      throw describeOpenError(err, path, options.command);
    }
  }

  async create(request: AccessRequest, events: NewAuditEvent[]): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO requests (id, status, version, tool_name, requester, created_at, updated_at, expires_at, next_attempt_at, warned, body, ${FACT_COLUMNS})
           VALUES (@id, @status, @version, @toolName, @requester, @createdAt, @updatedAt, @expiresAt, @nextAttemptAt, @warned, @body, ${FACT_VALUES})`,
        )
        .run(columns(request));
      this.appendInTransaction(events);
    }).immediate();
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    const row = this.db.prepare('SELECT body FROM requests WHERE id = ?').get(id) as Row | undefined;
    return row ? parse(row) : undefined;
  }

  async update(
    expected: Pick<AccessRequest, 'id' | 'status' | 'version'>,
    next: AccessRequest,
    events: NewAuditEvent[],
    outbox: NewOutboxMessage[] = [],
  ): Promise<boolean> {
    return this.db.transaction(() => {
      const result = this.db
        .prepare(
          `UPDATE requests SET status = @status, version = @version, updated_at = @updatedAt, expires_at = @expiresAt,
             next_attempt_at = @nextAttemptAt, warned = @warned, body = @body, ${FACT_UPDATES}
           WHERE id = @id AND status = @expectedStatus AND version = @expectedVersion`,
        )
        .run({ ...columns(next), expectedStatus: expected.status, expectedVersion: expected.version });
      if (result.changes !== 1) return false;
      this.appendInTransaction(events);
      insertOutbox(this.db, outbox);
      return true;
    }).immediate();
  }

  async list(filter: RequestFilter): Promise<AccessRequest[]> {
    const { where, params } = filterSql(filter);
    if (filter.after) {
      where.push('(created_at < @afterCreatedAt OR (created_at = @afterCreatedAt AND id < @afterId))');
      params.afterCreatedAt = filter.after.createdAt;
      params.afterId = filter.after.id;
    }
    params.limit = filter.limit ?? 50;
    const sql = `SELECT body FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(parse);
  }

  async count(filter: RequestFilter): Promise<number> {
    const { where, params } = filterSql(filter);
    const sql = `SELECT COUNT(*) AS n FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    return (this.db.prepare(sql).get(params) as { n: number }).n;
  }

  async due(now: number, t: DueThresholds, limit: number): Promise<AccessRequest[]> {
    const rows = this.db
      .prepare(
        `SELECT body FROM (${dueTimesSql}) WHERE due_at <= @now ORDER BY due_at LIMIT @limit`,
      )
      .all({ now, limit, ...thresholdParams(t) }) as Row[];
    return rows.map(parse);
  }

  async nextDueAt(t: DueThresholds): Promise<number | undefined> {
    // One indexed MIN per kind of due work: every tool run asks this, so it must not scan the table.
    const row = this.db.prepare(nextDueSql).get(thresholdParams(t)) as { next: number | null };
    return row.next ?? undefined;
  }

  async claimLease(id: string, owner: string, now: number, until: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE requests SET lease_owner = @owner, lease_until = @until
         WHERE id = @id AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until <= @now OR lease_owner = @owner)`,
      )
      .run({ id, owner, now, until });
    return result.changes === 1;
  }

  async renewLease(id: string, owner: string, until: number): Promise<boolean> {
    return this.db.prepare('UPDATE requests SET lease_until = ? WHERE id = ? AND lease_owner = ?').run(until, id, owner).changes === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    this.db.prepare('UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?').run(id, owner);
  }

  async enqueue(messages: NewOutboxMessage[]): Promise<void> {
    this.db.transaction(() => insertOutbox(this.db, messages)).immediate();
  }

  async claimOutbox(now: number, owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    return claimOutbox(this.db, now, owner, leaseUntil, limit);
  }

  async settleOutbox(id: number, owner: string, outcome: OutboxOutcome, now: number): Promise<void> {
    settleOutbox(this.db, id, owner, outcome, now);
  }

  async nextOutboxAt(): Promise<number | undefined> {
    return nextOutboxAt(this.db);
  }

  async outbox(filter: { state: OutboxMessage['state']; requestId?: string; limit?: number }): Promise<OutboxMessage[]> {
    return listOutbox(this.db, filter);
  }

  async appendAudit(events: NewAuditEvent[]): Promise<void> {
    this.db.transaction(() => this.appendInTransaction(events)).immediate();
  }

  async auditEvents(options: { requestId?: string } = {}): Promise<AuditEvent[]> {
    const rows = (
      options.requestId
        ? this.db.prepare('SELECT * FROM audit_events WHERE request_id = ? ORDER BY seq').all(options.requestId)
        : this.db.prepare('SELECT * FROM audit_events ORDER BY seq').all()
    ) as AuditRow[];
    return rows.map(auditEvent);
  }

  async requestsOverlapping(from: number, to: number): Promise<RequestFacts[]> {
    return this.analytics.requestsOverlapping(from, to);
  }

  async auditEventsBetween(from: number, to: number, types?: readonly string[]): Promise<EventFacts[]> {
    return this.analytics.auditEventsBetween(from, to, types, parseData);
  }

  async cacheGet(key: string, now: number): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM cache WHERE key = ? AND expires_at > ?').get(key, now) as { value: string } | undefined;
    return row?.value;
  }

  async cachePut(key: string, value: string, expiresAt: number): Promise<void> {
    this.db
      .prepare('INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at')
      .run(key, value, expiresAt);
  }

  acquireLock(name: string, owner: string, until: number, now: number): Promise<boolean> {
    return this.ledger.acquireLock(name, owner, until, now);
  }

  releaseLock(name: string, owner: string): Promise<void> {
    return this.ledger.releaseLock(name, owner);
  }

  addHold(hold: TargetHold): Promise<void> {
    return this.ledger.addHold(hold);
  }

  removeHold(target: string, grantId: string): Promise<void> {
    return this.ledger.removeHold(target, grantId);
  }

  listHolds(target?: string): Promise<TargetHold[]> {
    return this.ledger.listHolds(target);
  }

  scheduleFollowUp(followUp: FollowUp): Promise<void> {
    return this.ledger.scheduleFollowUp(followUp);
  }

  dueFollowUps(now: number, limit: number): Promise<FollowUp[]> {
    return this.ledger.dueFollowUps(now, limit);
  }

  listFollowUps(): Promise<FollowUp[]> {
    return this.ledger.listFollowUps();
  }

  completeFollowUp(key: string): Promise<void> {
    return this.ledger.completeFollowUp(key);
  }

  saveCredential(credential: StoredCredential): Promise<void> {
    return this.credentials.saveCredential(credential);
  }

  findCredential(secretHash: string): Promise<StoredCredential | undefined> {
    return this.credentials.findCredential(secretHash);
  }

  listCredentials(owner: string, kind: StoredCredential['kind']): Promise<StoredCredential[]> {
    return this.credentials.listCredentials(owner, kind);
  }

  touchCredential(id: string, at: number): Promise<void> {
    return this.credentials.touchCredential(id, at);
  }

  revokeCredential(id: string, owner: string, at: number): Promise<boolean> {
    return this.credentials.revokeCredential(id, owner, at);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Runs raw SQL; for tests that tamper with the file the way an attacker would. */
  unsafeExec(sql: string): void {
    this.db.exec(sql);
  }

  private appendInTransaction(events: NewAuditEvent[]): void {
    if (events.length === 0) return;
    const head = this.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const insert = this.db.prepare(
      'INSERT INTO audit_events (seq, request_id, type, actor, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const event of events) {
      seq += 1;
      const chained = chainEvent(event, seq, prevHash);
      insert.run(chained.seq, chained.requestId, chained.type, chained.actor, chained.at, JSON.stringify(chained.data), chained.prevHash, chained.hash);
      prevHash = chained.hash;
    }
  }
}

// One row per request with the instant the sweeper must next look at it; `due` and `nextDueAt` share it. A row
// under a removal lease is due no earlier than the lease's end (a lease that ran out no longer delays it).
const dueTimes = (from = 'requests', andWhere = '') => `
  SELECT body, lease_until, MAX(COALESCE(lease_until, 0), CASE
    WHEN status = 'access_granted' AND warned = 0 THEN MIN(expires_at - @warnBeforeMs, expires_at)
    WHEN status = 'access_granted' THEN expires_at
    WHEN status = 'ending' THEN COALESCE(next_attempt_at, updated_at)
    WHEN status = 'approval_pending' THEN created_at + @approvalTimeoutMs
    -- A grant that did not finish: its clean-up's backoff, else the lease or its expiry, whichever comes first.
    WHEN status = 'granting' THEN COALESCE(next_attempt_at, MIN(updated_at + @grantingLeaseMs, COALESCE(expires_at, updated_at + @grantingLeaseMs)))
  END) AS due_at
  FROM ${from}
  WHERE status IN ('access_granted', 'ending', 'approval_pending', 'granting') ${andWhere}`;
const dueTimesSql = dueTimes();

// Unleased rows by kind, each an index walk that stops at its first row; leased rows (few: removals running
// now, or whose process died) through the lease index, at their lease's end if that is later.
const nextDueSql = `
  SELECT MIN(due_at) AS next FROM (
    SELECT (SELECT expires_at FROM requests WHERE status = 'access_granted' AND lease_until IS NULL ORDER BY expires_at LIMIT 1) AS due_at
    UNION ALL SELECT (SELECT expires_at - @warnBeforeMs FROM requests WHERE status = 'access_granted' AND warned = 0 AND lease_until IS NULL ORDER BY expires_at LIMIT 1)
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at)) FROM requests WHERE status = 'ending' AND lease_until IS NULL
    UNION ALL SELECT (SELECT created_at + @approvalTimeoutMs FROM requests WHERE status = 'approval_pending' AND lease_until IS NULL ORDER BY created_at LIMIT 1)
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at + @grantingLeaseMs)) FROM requests WHERE status = 'granting' AND lease_until IS NULL
    UNION ALL SELECT MIN(expires_at) FROM requests WHERE status = 'granting' AND next_attempt_at IS NULL AND lease_until IS NULL
    UNION ALL SELECT MIN(due_at) FROM (${dueTimes('requests INDEXED BY requests_by_lease', 'AND lease_until IS NOT NULL')})
  )`;

function auditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    requestId: row.request_id,
    type: row.type,
    actor: row.actor,
    at: row.at,
    data: parseData(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The WHERE clauses of a filter, shared by `list` and `count`. */
function filterSql(filter: RequestFilter): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.statuses?.length) {
    where.push(`status IN (${filter.statuses.map((_, i) => `@status${i}`).join(', ')})`);
    filter.statuses.forEach((status, i) => (params[`status${i}`] = status));
  }
  const add = (clause: string, name: string, value: unknown) => {
    where.push(clause);
    params[name] = value;
  };
  const isApprover = (name: string) => `EXISTS (SELECT 1 FROM json_each(body, '$.approvers') WHERE value = @${name})`;
  if (filter.requester) add('requester = @requester', 'requester', filter.requester);
  if (filter.requestedBy) add(`json_extract(body, '$.requestedBy') = @requestedBy`, 'requestedBy', filter.requestedBy);
  if (filter.toolName) add('tool_name = @toolName', 'toolName', filter.toolName);
  if (filter.approver) add(isApprover('approver'), 'approver', filter.approver);
  if (filter.involves) add(`(requester = @involves OR ${isApprover('involves')})`, 'involves', filter.involves);
  if (filter.text) add(`body LIKE @text ESCAPE '\\'`, 'text', `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.createdAfter !== undefined) add('created_at >= @after', 'after', filter.createdAfter);
  if (filter.createdBefore !== undefined) add('created_at < @before', 'before', filter.createdBefore);
  return { where, params };
}

function thresholdParams(t: DueThresholds): Record<string, number> {
  return { warnBeforeMs: t.warnBeforeMs, approvalTimeoutMs: t.approvalTimeoutMs, grantingLeaseMs: t.grantingLeaseMs };
}

function columns(request: AccessRequest): Record<string, unknown> {
  return {
    id: request.id,
    status: request.status,
    version: request.version,
    toolName: request.toolName,
    requester: request.requester,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    expiresAt: request.expiresAt ?? null,
    nextAttemptAt: request.nextAttemptAt ?? null,
    warned: request.warned ? 1 : 0,
    body: JSON.stringify(request),
    ...factColumns(request),
  };
}

/**
 * An event's stored data. The store only ever writes a JSON object, so anything else can only come from an
 * edit of the file: it is returned wrapped as `{ unreadable: <the text> }`, so the event's hash no longer
 * matches and `audit verify` names the event, rather than the whole read failing.
 */
function parseData(text: string): Record<string, Json> {
  try {
    const data = JSON.parse(text) as Json;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data;
  } catch {
    // Fall through: not JSON at all.
  }
  return { unreadable: text };
}

function parse(row: Row): AccessRequest {
  return JSON.parse(row.body) as AccessRequest;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
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
