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
         ON CONFLICT (key) DO UPDATE SET provider = excluded.provider, due_at = excluded.due_at, data = excluded.data, attempts = excluded.attempts`,
      )
      .run(f.key, f.provider, f.dueAt, JSON.stringify(f.data), f.attempts);
  }

  async dueFollowUps(now: number, limit: number): Promise<FollowUp[]> {
    return (this.db.prepare('SELECT * FROM follow_ups WHERE due_at <= ? ORDER BY due_at, key LIMIT ?').all(now, limit) as FollowUpRow[]).map(followUp);
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
