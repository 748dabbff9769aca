import type Database from 'better-sqlite3';
import type { FollowUp, TargetHold, TargetLedger } from '../../core/ports.js';
import type { Json } from '../../core/types.js';

type HoldRow = { target: string; grant_id: string; expires_at: number; keep: number };
type FollowUpRow = { key: string; provider: string; due_at: number; data: string; attempts: number };

/**
 * The {@link TargetLedger} half of the SQLite store (tables of migration 4). Each method is one statement, so
 * SQLite's write lock makes it atomic across every process sharing the file. A PostgreSQL store does the
 * same with `INSERT … ON CONFLICT … DO UPDATE … WHERE` on a locks table row (owner, until).
 */
export class SqliteTargetLedger implements TargetLedger {
  constructor(private readonly db: Database.Database) {}

  async acquireLock(name: string, owner: string, until: number, now: number): Promise<boolean> {
    // Insert, or take over when the lease has ended or is already ours; the WHERE makes a live lease of
    // another owner win, and then nothing changes.
    const result = this.db
      .prepare(
        `INSERT INTO target_locks (name, owner, until) VALUES (@name, @owner, @until)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
         WHERE target_locks.owner = excluded.owner OR target_locks.until <= @now`,
      )
      .run({ name, owner, until, now });
    return result.changes === 1;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    this.db.prepare('DELETE FROM target_locks WHERE name = ? AND owner = ?').run(name, owner);
  }

  async addHold(hold: TargetHold): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO target_holds (target, grant_id, expires_at, keep) VALUES (?, ?, ?, ?)
         ON CONFLICT (target, grant_id) DO UPDATE SET expires_at = excluded.expires_at, keep = excluded.keep`,
      )
      .run(hold.target, hold.grantId, hold.expiresAt, hold.keep ? 1 : 0);
  }

  async removeHold(target: string, grantId: string): Promise<void> {
    this.db.prepare('DELETE FROM target_holds WHERE target = ? AND grant_id = ?').run(target, grantId);
  }

  async listHolds(target?: string): Promise<TargetHold[]> {
    const rows = (
      target === undefined
        ? this.db.prepare('SELECT * FROM target_holds ORDER BY target, grant_id').all()
        : this.db.prepare('SELECT * FROM target_holds WHERE target = ? ORDER BY grant_id').all(target)
    ) as HoldRow[];
    return rows.map((row) => ({ target: row.target, grantId: row.grant_id, expiresAt: row.expires_at, keep: row.keep === 1 }));
  }

  async scheduleFollowUp(f: FollowUp): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO follow_ups (key, provider, due_at, data, attempts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET provider = excluded.provider, due_at = excluded.due_at, data = excluded.data, attempts = excluded.attempts,
           claimed_by = NULL, claimed_until = NULL`,
      )
      .run(f.key, f.provider, f.dueAt, JSON.stringify(f.data), f.attempts);
  }

  async dueFollowUps(now: number, limit: number): Promise<FollowUp[]> {
    return (this.db.prepare('SELECT * FROM follow_ups WHERE due_at <= ? ORDER BY due_at, key LIMIT ?').all(now, limit) as FollowUpRow[]).map(followUp);
  }

  async claimFollowUps(now: number, owner: string, until: number, limit: number): Promise<FollowUp[]> {
    // One write transaction: SQLite's write lock makes the pick and the claim atomic across processes.
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare('SELECT * FROM follow_ups WHERE due_at <= @now AND (claimed_until IS NULL OR claimed_until <= @now) ORDER BY due_at, key LIMIT @limit')
          .all({ now, limit }) as FollowUpRow[];
        const claim = this.db.prepare('UPDATE follow_ups SET claimed_by = ?, claimed_until = ? WHERE key = ?');
        for (const row of rows) claim.run(owner, until, row.key);
        return rows.map(followUp);
      })
      .immediate();
  }

  async settleFollowUp(key: string, owner: string, next: { dueAt: number; attempts: number } | undefined): Promise<boolean> {
    const result = next
      ? this.db.prepare('UPDATE follow_ups SET due_at = ?, attempts = ?, claimed_by = NULL, claimed_until = NULL WHERE key = ? AND claimed_by = ?').run(next.dueAt, next.attempts, key, owner)
      : this.db.prepare('DELETE FROM follow_ups WHERE key = ? AND claimed_by = ?').run(key, owner);
    return result.changes === 1;
  }

  async nextFollowUpAt(): Promise<number | undefined> {
    const row = this.db.prepare('SELECT MIN(MAX(due_at, COALESCE(claimed_until, 0))) AS at FROM follow_ups').get() as { at: number | null };
    return row.at ?? undefined;
  }

  async listFollowUps(): Promise<FollowUp[]> {
    return (this.db.prepare('SELECT * FROM follow_ups ORDER BY due_at, key').all() as FollowUpRow[]).map(followUp);
  }

  async completeFollowUp(key: string): Promise<void> {
    this.db.prepare('DELETE FROM follow_ups WHERE key = ?').run(key);
  }
}

function followUp(row: FollowUpRow): FollowUp {
  return { key: row.key, provider: row.provider, dueAt: row.due_at, data: JSON.parse(row.data) as Record<string, Json>, attempts: row.attempts };
}
