/**
 * The notification outbox in the SQLite store: messages written with the request change that causes them,
 * claimed by senders with a lease (so two processes never send one message at once), settled as sent,
 * retried with a backoff, or abandoned. The statements run inside the store's transactions where needed.
 */
import type Database from 'better-sqlite3';
import type { NewOutboxMessage, OutboxMessage, OutboxOutcome } from '../../core/ports.js';
import type { Json } from '../../core/types.js';

type OutboxRow = {
  id: number;
  request_id: string | null;
  kind: OutboxMessage['kind'];
  data: string;
  state: OutboxMessage['state'];
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  last_error: string | null;
};

/** How long a sent message is kept (its dedupe key with it) before it is pruned. */
const KEEP_SENT_MS = 7 * 24 * 3600_000;

/** Inserts messages; one whose dedupe key is already known (sent or not) is skipped. Call inside a transaction. */
export function insertOutbox(db: Database.Database, messages: readonly NewOutboxMessage[]): void {
  if (messages.length === 0) return;
  const insert = db.prepare(
    `INSERT INTO outbox (request_id, kind, data, dedupe_key, state, created_at, next_attempt_at, attempts)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, 0) ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  for (const m of messages) insert.run(m.requestId, m.kind, JSON.stringify(m.data), m.dedupeKey ?? null, m.at, m.at);
}

/** Claims due messages for `owner`, oldest first, in one write transaction; prunes long-sent ones. */
export function claimOutbox(db: Database.Database, now: number, owner: string, leaseUntil: number, limit: number): OutboxMessage[] {
  return db
    .transaction(() => {
      db.prepare(`DELETE FROM outbox WHERE state = 'sent' AND settled_at < ?`).run(now - KEEP_SENT_MS);
      const rows = db
        .prepare(
          `SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
           ORDER BY id LIMIT @limit`,
        )
        .all({ now, limit }) as OutboxRow[];
      const claim = db.prepare('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?');
      for (const row of rows) claim.run(owner, leaseUntil, row.id);
      return rows.map(toMessage);
    })
    .immediate();
}

/** Records the outcome of sending a claimed message; does nothing if `owner` no longer holds the claim. */
export function settleOutbox(db: Database.Database, id: number, owner: string, outcome: OutboxOutcome, now: number): void {
  const failed = outcome.state !== 'sent';
  db.prepare(
    `UPDATE outbox SET state = @state, attempts = attempts + @failed, last_error = @error, next_attempt_at = COALESCE(@next, next_attempt_at),
       settled_at = @settled, lease_owner = NULL, lease_until = NULL
     WHERE id = @id AND lease_owner = @owner`,
  ).run({
    id,
    owner,
    state: outcome.state === 'retry' ? 'pending' : outcome.state,
    failed: failed ? 1 : 0,
    error: outcome.state === 'sent' ? null : outcome.error,
    next: outcome.state === 'retry' ? outcome.nextAttemptAt : null,
    settled: outcome.state === 'retry' ? null : now,
  });
}

/** The earliest instant a pending message may be sent (its backoff, or a live claim's end). */
export function nextOutboxAt(db: Database.Database): number | undefined {
  const row = db.prepare(`SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) AS next FROM outbox WHERE state = 'pending'`).get() as { next: number | null };
  return row.next ?? undefined;
}

/** Messages in a state, oldest first. */
export function listOutbox(db: Database.Database, filter: { state: OutboxMessage['state']; requestId?: string; limit?: number }): OutboxMessage[] {
  const rows = db
    .prepare(`SELECT * FROM outbox WHERE state = @state ${filter.requestId ? 'AND request_id = @requestId' : ''} ORDER BY id LIMIT @limit`)
    .all({ state: filter.state, limit: filter.limit ?? 100, ...(filter.requestId ? { requestId: filter.requestId } : {}) }) as OutboxRow[];
  return rows.map(toMessage);
}

function toMessage(row: OutboxRow): OutboxMessage {
  let data: Record<string, Json> = {};
  try {
    data = JSON.parse(row.data) as Record<string, Json>;
  } catch {
    data = {};
  }
  return {
    id: row.id,
    requestId: row.request_id,
    kind: row.kind,
    data,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    state: row.state,
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}
