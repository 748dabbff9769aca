import type { QueryResult, QueryResultRow } from 'pg';
import type { FollowUp, TargetHold, TargetLedger } from '../../core/ports.js';
import type { Json } from '../../core/types.js';

/** Runs one statement through the store (its schema check, pool and error translation). */
export type PostgresQuery = <R extends QueryResultRow>(text: string, params?: unknown[]) => Promise<QueryResult<R>>;

type HoldRow = { target: string; grant_id: string; expires_at: string; keep: boolean };
type FollowUpRow = { key: string; provider: string; due_at: string; data: string; attempts: number };

// Insert, or take over when the lease has ended or is already ours. ON CONFLICT locks the existing row and
// evaluates the WHERE on its newest committed version, so of several claimants at once exactly one changes
// it; a live lease of another owner matches nothing, and then no row comes back.
const ACQUIRE_LOCK = `
  INSERT INTO target_locks (name, owner, until) VALUES ($1, $2, $3)
  ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
  WHERE target_locks.owner = EXCLUDED.owner OR target_locks.until <= $4`;

const ADD_HOLD = `
  INSERT INTO target_holds (target, grant_id, expires_at, keep) VALUES ($1, $2, $3, $4)
  ON CONFLICT (target, grant_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, keep = EXCLUDED.keep`;

const SCHEDULE_FOLLOW_UP = `
  INSERT INTO follow_ups (key, provider, due_at, data, attempts) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (key) DO UPDATE SET provider = EXCLUDED.provider, due_at = EXCLUDED.due_at, data = EXCLUDED.data, attempts = EXCLUDED.attempts,
    claimed_by = NULL, claimed_until = NULL`;

// FOR UPDATE SKIP LOCKED passes over follow-ups another process is claiming; one claimed by a transaction
// that committed meanwhile is re-checked against its new claim and dropped, so claimers get disjoint sets.
const CLAIM_FOLLOW_UPS = `
  WITH picked AS (
    SELECT key FROM follow_ups WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY due_at, key LIMIT $4 FOR UPDATE SKIP LOCKED
  )
  UPDATE follow_ups f SET claimed_by = $2, claimed_until = $3 FROM picked WHERE f.key = picked.key RETURNING f.*`;

/**
 * The {@link TargetLedger} half of the PostgreSQL store (tables of its migration 2), the same behaviour as
 * the SQLite ledger: each method is one statement, so it is atomic across every process and host sharing
 * the database without a transaction of its own.
 */
export class PostgresTargetLedger implements TargetLedger {
  constructor(private readonly query: PostgresQuery) {}

  async acquireLock(name: string, owner: string, until: number, now: number): Promise<boolean> {
    return (await this.query(ACQUIRE_LOCK, [name, owner, until, now])).rowCount === 1;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.query('DELETE FROM target_locks WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async addHold(hold: TargetHold): Promise<void> {
    await this.query(ADD_HOLD, [hold.target, hold.grantId, hold.expiresAt, hold.keep]);
  }

  async removeHold(target: string, grantId: string): Promise<void> {
    await this.query('DELETE FROM target_holds WHERE target = $1 AND grant_id = $2', [target, grantId]);
  }

  async listHolds(target?: string): Promise<TargetHold[]> {
    const { rows } =
      target === undefined
        ? await this.query<HoldRow>('SELECT * FROM target_holds ORDER BY target, grant_id')
        : await this.query<HoldRow>('SELECT * FROM target_holds WHERE target = $1 ORDER BY grant_id', [target]);
    return rows.map((row) => ({ target: row.target, grantId: row.grant_id, expiresAt: Number(row.expires_at), keep: row.keep }));
  }

  async scheduleFollowUp(f: FollowUp): Promise<void> {
    await this.query(SCHEDULE_FOLLOW_UP, [f.key, f.provider, f.dueAt, JSON.stringify(f.data), f.attempts]);
  }

  async dueFollowUps(now: number, limit: number): Promise<FollowUp[]> {
    return (await this.query<FollowUpRow>('SELECT * FROM follow_ups WHERE due_at <= $1 ORDER BY due_at, key LIMIT $2', [now, limit])).rows.map(followUp);
  }

  async claimFollowUps(now: number, owner: string, until: number, limit: number): Promise<FollowUp[]> {
    const { rows } = await this.query<FollowUpRow>(CLAIM_FOLLOW_UPS, [now, owner, until, limit]);
    // RETURNING gives no order; runners want the earliest first.
    return rows.map(followUp).sort((a, b) => a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async settleFollowUp(key: string, owner: string, next: { dueAt: number; attempts: number } | undefined): Promise<boolean> {
    const result = next
      ? await this.query('UPDATE follow_ups SET due_at = $3, attempts = $4, claimed_by = NULL, claimed_until = NULL WHERE key = $1 AND claimed_by = $2', [key, owner, next.dueAt, next.attempts])
      : await this.query('DELETE FROM follow_ups WHERE key = $1 AND claimed_by = $2', [key, owner]);
    return result.rowCount === 1;
  }

  async nextFollowUpAt(): Promise<number | undefined> {
    const { rows } = await this.query<{ at: string | null }>('SELECT MIN(GREATEST(due_at, COALESCE(claimed_until, 0))) AS at FROM follow_ups');
    return rows[0]?.at == null ? undefined : Number(rows[0].at);
  }

  async listFollowUps(): Promise<FollowUp[]> {
    return (await this.query<FollowUpRow>('SELECT * FROM follow_ups ORDER BY due_at, key')).rows.map(followUp);
  }

  async completeFollowUp(key: string): Promise<void> {
    await this.query('DELETE FROM follow_ups WHERE key = $1', [key]);
  }
}

function followUp(row: FollowUpRow): FollowUp {
  return { key: row.key, provider: row.provider, dueAt: Number(row.due_at), data: JSON.parse(row.data) as Record<string, Json>, attempts: Number(row.attempts) };
}
