import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { AuditCheckpoint } from '../../core/audit-chain.js';
import type { ChangeWatch, DueClaim, DueThresholds, FollowUp, NewOutboxMessage, OutboxMessage, OutboxOutcome, RequestFilter, RequestStore, StoredCredential, TargetHold } from '../../core/ports.js';
import type { AccessRequest, AuditEvent, NewAuditEvent } from '../../core/types.js';
import { watchPostgresChanges } from './postgres-changes.js';
import { PostgresCredentials } from './postgres-credentials.js';
import { translatePgError } from './postgres-errors.js';
import { outboxArrays, PostgresOutbox } from './postgres-outbox.js';
import { checkPostgresSchema, migratePostgres, type MigrationReport } from './postgres-migrations.js';
import { openPool } from './postgres-pool.js';
import type { PostgresSettings } from './postgres-settings.js';
import * as sql from './postgres-sql.js';
import { PostgresTargetLedger } from './postgres-target-ledger.js';
import { parseData } from './stored-json.js';

type EventRow = { seq: string; request_id: string | null; type: string; actor: string; at: string; data: string; prev_hash: string; hash: string };

/**
 * The {@link RequestStore} for several runners: PostgreSQL through node-postgres. Every request write is a
 * compare-and-swap in one transaction with its audit events; appends lock the one chain-head row last, so
 * the chain stays linear whatever the number of writers; sweepers claim due work with
 * `FOR UPDATE SKIP LOCKED`. The design and why it is correct: docs/architecture.md ("Several runners").
 *
 * Nothing connects until the first call, which also checks (never applies) the migrations; settings given as
 * a function are resolved then too, so a command that never touches the store never needs them.
 */
export class PostgresRequestStore implements RequestStore {
  private poolPromise?: Promise<Pool>;
  private checked?: Promise<void>;
  private resolved?: PostgresSettings;
  private readonly ledger = new PostgresTargetLedger((text, params) => this.query(text, params));
  private readonly credentials = new PostgresCredentials((text, params) => this.query(text, params));
  private readonly outboxPart = new PostgresOutbox((text, params) => this.query(text, params));

  constructor(private readonly source: PostgresSettings | (() => PostgresSettings)) {}

  /** The connection settings (resolved on first use). */
  get settings(): PostgresSettings {
    this.resolved ??= typeof this.source === 'function' ? this.source() : this.source;
    return this.resolved;
  }

  async create(request: AccessRequest, events: NewAuditEvent[]): Promise<void> {
    if (events.length === 0) await this.query(sql.INSERT_REQUEST, sql.requestParams(request));
    else await this.query(sql.INSERT_REQUEST_WITH_EVENTS, [...sql.requestParams(request), ...sql.eventArrays(events)]);
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    const { rows } = await this.query<{ body: string }>('SELECT body FROM requests WHERE id = $1', [id]);
    return rows[0] ? (JSON.parse(rows[0].body) as AccessRequest) : undefined;
  }

  async update(expected: Pick<AccessRequest, 'id' | 'status' | 'version'>, next: AccessRequest, events: NewAuditEvent[], outbox: NewOutboxMessage[] = []): Promise<boolean> {
    // One statement, so one transaction: the row lock of the compare-and-swap, the outbox rows, then the chain head's.
    const params = [...sql.requestParams(next), expected.status, expected.version, ...(outbox.length > 0 ? outboxArrays(outbox) : []), ...(events.length > 0 ? sql.eventArrays(events) : [])];
    return (await this.query(sql.updateStatement(events.length > 0, outbox.length > 0), params)).rowCount === 1;
  }

  async list(filter: RequestFilter): Promise<AccessRequest[]> {
    const { where, params } = sql.filterSql(filter, true);
    // Ids compare byte by byte (COLLATE "C"), as SQLite compares them, whatever the database's locale.
    const text = `SELECT body FROM requests ${where} ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $${params.length + 1}`;
    const { rows } = await this.query<{ body: string }>(text, [...params, filter.limit ?? 50]);
    return rows.map((row) => JSON.parse(row.body) as AccessRequest);
  }

  async count(filter: RequestFilter): Promise<number> {
    const { where, params } = sql.filterSql(filter);
    const { rows } = await this.query<{ n: string }>(`SELECT COUNT(*) AS n FROM requests ${where}`, params);
    return Number(rows[0]!.n);
  }

  async due(now: number, t: DueThresholds, limit: number): Promise<AccessRequest[]> {
    const { rows } = await this.query<{ body: string }>(sql.SELECT_DUE, [...sql.thresholdParams(t), now, limit]);
    return rows.map((row) => JSON.parse(row.body) as AccessRequest);
  }

  async claimDue(now: number, t: DueThresholds, limit: number, claim: DueClaim): Promise<AccessRequest[]> {
    const { rows } = await this.query<{ body: string; due_at: string }>(sql.CLAIM_DUE, [...sql.thresholdParams(t), now, limit, claim.owner, claim.until]);
    // RETURNING gives no order; the sweeper wants the most overdue first.
    return rows
      .map((row) => ({ at: Number(row.due_at), request: JSON.parse(row.body) as AccessRequest }))
      .sort((a, b) => a.at - b.at || (a.request.id < b.request.id ? -1 : 1))
      .map((entry) => entry.request);
  }

  async releaseClaims(owner: string): Promise<void> {
    await this.query(sql.RELEASE_CLAIMS, [owner]);
  }

  async nextDueAt(t: DueThresholds): Promise<number | undefined> {
    const { rows } = await this.query<{ next: number | null }>(sql.NEXT_DUE, sql.thresholdParams(t));
    return rows[0]?.next ?? undefined;
  }

  async claimLease(id: string, owner: string, now: number, until: number): Promise<boolean> {
    return (await this.query(sql.CLAIM_LEASE, [id, owner, now, until])).rowCount === 1;
  }

  async renewLease(id: string, owner: string, until: number): Promise<boolean> {
    return (await this.query(sql.RENEW_LEASE, [id, owner, until])).rowCount === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.query(sql.RELEASE_LEASE, [id, owner]);
  }

  enqueue(messages: NewOutboxMessage[]): Promise<void> {
    return this.outboxPart.enqueue(messages);
  }

  claimOutbox(now: number, owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    return this.outboxPart.claim(now, owner, leaseUntil, limit);
  }

  settleOutbox(id: number, owner: string, outcome: OutboxOutcome, now: number): Promise<void> {
    return this.outboxPart.settle(id, owner, outcome, now);
  }

  nextOutboxAt(): Promise<number | undefined> {
    return this.outboxPart.nextAt();
  }

  outbox(filter: { state: OutboxMessage['state']; requestId?: string; limit?: number }): Promise<OutboxMessage[]> {
    return this.outboxPart.list(filter);
  }

  async health(): Promise<void> {
    const pool = await this.pool();
    await this.withClient(pool, (client) => checkPostgresSchema(client, this.settings.location));
  }

  async watchChanges(onChange: () => void): Promise<ChangeWatch> {
    await this.ready();
    return watchPostgresChanges(this.settings, onChange);
  }

  async appendAudit(events: NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.query(sql.APPEND_EVENTS, sql.eventArrays(events));
  }

  async auditEvents(options: { requestId?: string; fromSeq?: number } = {}): Promise<AuditEvent[]> {
    const fromSeq = options.fromSeq ?? 0;
    const { rows } = options.requestId
      ? await this.query<EventRow>(sql.SELECT_REQUEST_EVENTS, [options.requestId, fromSeq])
      : await this.query<EventRow>(sql.SELECT_EVENTS, [fromSeq]);
    return rows.map(auditEvent);
  }

  async auditCheckpoint(): Promise<AuditCheckpoint | undefined> {
    const { rows } = await this.query<{ seq: string; hash: string; verified_at: string }>(sql.LAST_CHECKPOINT);
    const row = rows[0];
    return row && { seq: Number(row.seq), hash: row.hash, verifiedAt: Number(row.verified_at) };
  }

  async saveAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.query(sql.SAVE_CHECKPOINT, [checkpoint.seq, checkpoint.hash, checkpoint.verifiedAt]);
  }

  async requestsOverlapping(from: number, to: number): Promise<AccessRequest[]> {
    const { rows } = await this.query<{ body: string }>(sql.REQUESTS_OVERLAPPING, [from, to]);
    return rows.map((row) => JSON.parse(row.body) as AccessRequest);
  }

  async auditEventsBetween(from: number, to: number, types?: readonly string[], options: { withDataKey?: string } = {}): Promise<AuditEvent[]> {
    if (types?.length === 0) return [];
    // The key as it appears in JSON text: a cheap filter in the database, made exact below.
    const quotedKey = options.withDataKey === undefined ? null : JSON.stringify(options.withDataKey);
    const { rows } = types
      ? await this.query<EventRow>(sql.SELECT_EVENTS_BETWEEN_OF_TYPES, [from, to, [...types], quotedKey])
      : await this.query<EventRow>(sql.SELECT_EVENTS_BETWEEN, [from, to, quotedKey]);
    const events = rows.map(auditEvent);
    const key = options.withDataKey;
    return key === undefined ? events : events.filter((e) => Object.hasOwn(e.data, key));
  }

  async cacheGet(key: string, now: number): Promise<string | undefined> {
    const { rows } = await this.query<{ value: string }>(sql.CACHE_GET, [key, now]);
    return rows[0]?.value;
  }

  async cachePut(key: string, value: string, expiresAt: number): Promise<void> {
    await this.query(sql.CACHE_PUT, [key, value, expiresAt]);
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

  async close(): Promise<void> {
    const pool = this.poolPromise;
    this.poolPromise = undefined;
    this.checked = undefined;
    if (pool) await (await pool.catch(() => undefined))?.end();
  }

  /** Applies the migrations the database lacks (`kubiya-jit migrate`); the only path that changes the schema. */
  async migrate(): Promise<MigrationReport> {
    const pool = await this.pool();
    return this.withClient(pool, (client) => migratePostgres(client, this.settings.location));
  }

  /**
   * Runs `work` in one transaction on one connection, after the schema check. For writes beyond the port
   * (`store copy`); the port's own writes use it too.
   */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    return this.withClient(await this.pool(), async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  private async query<R extends QueryResultRow>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    await this.ready();
    const pool = await this.pool();
    try {
      // Named after the text: each connection parses and plans a statement once, however often it runs.
      return await pool.query<R>({ name: statementName(text), text, values: params });
    } catch (err) {
      throw translatePgError(err, this.settings);
    }
  }

  private pool(): Promise<Pool> {
    this.poolPromise ??= Promise.resolve().then(() => openPool(this.settings));
    return this.poolPromise;
  }

  /** Connects and checks the schema once per process; a failure is not remembered, so the next call retries. */
  private ready(): Promise<void> {
    this.checked ??= this.health().catch((err: unknown) => {
      this.checked = undefined;
      throw err;
    });
    return this.checked;
  }

  private async withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw translatePgError(err, this.settings);
    }
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (err) {
      // A connection-level failure means this client must not go back to the pool.
      const translated = translatePgError(err, this.settings);
      if (translated !== err) broken = err as Error;
      throw translated;
    } finally {
      client.release(broken);
    }
  }
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `kubiya_jit_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return name;
}

function auditEvent(row: EventRow): AuditEvent {
  return {
    seq: Number(row.seq),
    requestId: row.request_id,
    type: row.type,
    actor: row.actor,
    at: Number(row.at),
    data: parseData(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
