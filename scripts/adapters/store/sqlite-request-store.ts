import { existsSync, mkdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainEvent, GENESIS_HASH, type AuditCheckpoint } from '../../core/audit-chain.js';
import type { ChangeWatch, DueClaim, DueThresholds, FollowUp, NewOutboxMessage, OutboxMessage, OutboxOutcome, RequestFilter, RequestStore, StoredCredential, TargetHold } from '../../core/ports.js';
import type { AccessRequest, AuditEvent, NewAuditEvent } from '../../core/types.js';
import type { OpenStoreOptions } from './open-request-store.js';
import { migrateSqlite, sqliteSchemaVersion } from './sqlite-migrations.js';
import { describeOpenError, missingDatabase } from './sqlite-open-errors.js';
import type { EventFacts, RequestFacts } from '../../core/analytics/analytics-types.js';
import { FACT_COLUMNS, FACT_UPDATES, FACT_VALUES, SqliteAnalyticsReads } from './sqlite-analytics-reads.js';
import { SqliteCredentials } from './sqlite-credentials.js';
import { claimOutbox, insertOutbox, listOutbox, nextOutboxAt, settleOutbox } from './sqlite-outbox.js';
import { columns, dueTimesSql, filterSql, listSql, nextDueSql, parseBody, thresholdParams, type BodyRow } from './sqlite-sql.js';
import { SqliteTargetLedger } from './sqlite-target-ledger.js';
import { parseData } from './stored-json.js';

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

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
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
      migrateSqlite(db, path);
      return new SqliteRequestStore(db, path);
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
    const row = this.db.prepare('SELECT body FROM requests WHERE id = ?').get(id) as BodyRow | undefined;
    return row ? parseBody(row) : undefined;
  }

  async update(
    expected: Pick<AccessRequest, 'id' | 'status' | 'version'>,
    next: AccessRequest,
    events: NewAuditEvent[],
    outbox: NewOutboxMessage[] = [],
  ): Promise<boolean> {
    return this.db.transaction(() => {
      // Any write ends a sweeper's claim: the request has been acted on, by it or by someone else.
      const result = this.db
        .prepare(
          `UPDATE requests SET status = @status, version = @version, updated_at = @updatedAt, expires_at = @expiresAt,
             next_attempt_at = @nextAttemptAt, warned = @warned, body = @body, ${FACT_UPDATES}, claimed_by = NULL, claimed_until = NULL
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
    const { sql, params } = listSql(filter);
    return (this.db.prepare(sql).all(params) as BodyRow[]).map(parseBody);
  }

  async count(filter: RequestFilter): Promise<number> {
    const { where, params } = filterSql(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM requests ${where}`).get(params) as { n: number }).n;
  }

  async due(now: number, t: DueThresholds, limit: number): Promise<AccessRequest[]> {
    const rows = this.db.prepare(`SELECT body FROM (${dueTimesSql}) WHERE due_at <= @now ORDER BY due_at LIMIT @limit`).all({ now, limit, ...thresholdParams(t) }) as BodyRow[];
    return rows.map(parseBody);
  }

  async claimDue(now: number, t: DueThresholds, limit: number, claim: DueClaim): Promise<AccessRequest[]> {
    // BEGIN IMMEDIATE takes SQLite's one write lock first, so two sweepers' select-then-mark never interleave.
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(`SELECT id, body FROM (${dueTimesSql}) WHERE due_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now) ORDER BY due_at LIMIT @limit`)
        .all({ now, limit, ...thresholdParams(t) }) as (BodyRow & { id: string })[];
      const mark = this.db.prepare('UPDATE requests SET claimed_by = ?, claimed_until = ? WHERE id = ?');
      for (const row of rows) mark.run(claim.owner, claim.until, row.id);
      return rows.map(parseBody);
    }).immediate();
  }

  async releaseClaims(owner: string): Promise<void> {
    this.db.prepare('UPDATE requests SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?').run(owner);
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

  async health(): Promise<void> {
    sqliteSchemaVersion(this.db, this.path);
  }

  /** The file's schema version (it was migrated when opened). */
  schemaVersion(): number {
    return sqliteSchemaVersion(this.db, this.path);
  }

  /**
   * Watches the database's folder: SQLite in WAL mode touches the `-wal` file on every commit, so any run's
   * write on this host calls `onChange`. Where the folder cannot be watched there is no watch (the worker then
   * relies on its sleep cap).
   */
  async watchChanges(onChange: () => void): Promise<ChangeWatch> {
    if (this.path === ':memory:') return { close: async () => undefined };
    try {
      const wal = `${basename(this.path)}-wal`;
      const watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file && String(file) === wal) onChange();
      });
      return { close: async () => watcher.close() };
    } catch {
      return { close: async () => undefined };
    }
  }

  async appendAudit(events: NewAuditEvent[]): Promise<void> {
    this.db.transaction(() => this.appendInTransaction(events)).immediate();
  }

  async auditEvents(options: { requestId?: string; fromSeq?: number } = {}): Promise<AuditEvent[]> {
    const fromSeq = options.fromSeq ?? 0;
    const rows = (
      options.requestId
        ? this.db.prepare('SELECT * FROM audit_events WHERE request_id = ? AND seq >= ? ORDER BY seq').all(options.requestId, fromSeq)
        : this.db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(fromSeq)
    ) as AuditRow[];
    return rows.map(auditEvent);
  }

  async auditCheckpoint(): Promise<AuditCheckpoint | undefined> {
    const row = this.db.prepare('SELECT seq, hash, verified_at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string; verified_at: number }
      | undefined;
    return row && { seq: row.seq, hash: row.hash, verifiedAt: row.verified_at };
  }

  async saveAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    this.db.prepare('INSERT INTO audit_checkpoints (seq, hash, verified_at) VALUES (?, ?, ?) ON CONFLICT (seq) DO NOTHING').run(checkpoint.seq, checkpoint.hash, checkpoint.verifiedAt);
  }

  async requestsOverlapping(from: number, to: number): Promise<RequestFacts[]> {
    return this.analytics.requestsOverlapping(from, to);
  }

  async auditEventsBetween(from: number, to: number, types?: readonly string[], options: { withDataKey?: string } = {}): Promise<EventFacts[]> {
    return this.analytics.auditEventsBetween(from, to, types, options.withDataKey, parseData);
  }

  /** Every audit event as stored, its data as the exact text written, in order: what `store copy` moves. */
  rawAuditEvents(): (Omit<AuditEvent, 'data'> & { data: string })[] {
    return (this.db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[]).map((row) => ({
      seq: row.seq,
      requestId: row.request_id,
      type: row.type,
      actor: row.actor,
      at: row.at,
      data: row.data,
      prevHash: row.prev_hash,
      hash: row.hash,
    }));
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

  claimFollowUps(now: number, owner: string, until: number, limit: number): Promise<FollowUp[]> {
    return this.ledger.claimFollowUps(now, owner, until, limit);
  }

  settleFollowUp(key: string, owner: string, next: { dueAt: number; attempts: number } | undefined): Promise<boolean> {
    return this.ledger.settleFollowUp(key, owner, next);
  }

  nextFollowUpAt(): Promise<number | undefined> {
    return this.ledger.nextFollowUpAt();
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

  /** The file's own tables (not SQLite's internal ones), for `store copy` to check that it moves each one. */
  tableNames(): string[] {
    return (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  }

  /** Every row of one of {@link tableNames}, as stored: what `store copy` moves for the tables it copies as they are. */
  rawRows(table: string): Record<string, unknown>[] {
    // The name goes into the SQL text, so only a table the file has is accepted.
    if (!this.tableNames().includes(table)) throw new Error(`No table ${table} in this SQLite store.`);
    return this.db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
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

