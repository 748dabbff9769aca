/**
 * The notification outbox in the PostgreSQL store (its migration 4), with the same behaviour as the SQLite
 * outbox: messages written with the request change that causes them, claimed by senders with a lease (so two
 * processes, on any hosts, never send one message at once), settled as sent, retried, or abandoned.
 */
import type { NewOutboxMessage, OutboxMessage, OutboxOutcome } from '../../core/ports.js';
import type { Json } from '../../core/types.js';
import type { PostgresQuery } from './postgres-target-ledger.js';

type OutboxRow = {
  id: string;
  request_id: string | null;
  kind: OutboxMessage['kind'];
  data: string;
  state: OutboxMessage['state'];
  created_at: string;
  next_attempt_at: string;
  attempts: number;
  last_error: string | null;
};

/** How long a sent message is kept (its dedupe key with it) before it is pruned, as on SQLite. */
const KEEP_SENT_MS = 7 * 24 * 3600_000;

/**
 * Inserts the messages in `$n … $n+4` (five arrays, see {@link outboxArrays}); one whose dedupe key is already
 * known (sent or not) is skipped. `onlyIf` is a condition the insert depends on (the compare-and-swap matched).
 */
export function insertOutboxSql(n: number, onlyIf = 'TRUE'): string {
  return `INSERT INTO outbox (request_id, kind, data, dedupe_key, created_at, next_attempt_at)
    SELECT m.request_id, m.kind, m.data, m.dedupe_key, m.at, m.at
    FROM unnest($${n}::text[], $${n + 1}::text[], $${n + 2}::text[], $${n + 3}::text[], $${n + 4}::bigint[]) WITH ORDINALITY AS m(request_id, kind, data, dedupe_key, at, i)
    WHERE ${onlyIf} ORDER BY m.i
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/** The five arrays {@link insertOutboxSql} takes, one entry per message. */
export function outboxArrays(messages: readonly NewOutboxMessage[]): unknown[] {
  return [messages.map((m) => m.requestId), messages.map((m) => m.kind), messages.map((m) => JSON.stringify(m.data)), messages.map((m) => m.dedupeKey ?? null), messages.map((m) => m.at)];
}

// FOR UPDATE SKIP LOCKED passes over messages another sender is claiming; one claimed by a transaction that
// committed meanwhile is re-checked against its new lease and dropped.
const CLAIM = `
  WITH picked AS (
    SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED
  )
  UPDATE outbox o SET lease_owner = $2, lease_until = $3 FROM picked WHERE o.id = picked.id RETURNING o.*`;

const SETTLE = `
  UPDATE outbox SET state = $3, attempts = attempts + $4, last_error = $5, next_attempt_at = COALESCE($6, next_attempt_at),
    settled_at = $7, lease_owner = NULL, lease_until = NULL
  WHERE id = $1 AND lease_owner = $2`;

/** The outbox half of the PostgreSQL store; each method is one or two statements, each atomic on its own. */
export class PostgresOutbox {
  constructor(private readonly query: PostgresQuery) {}

  async enqueue(messages: readonly NewOutboxMessage[]): Promise<void> {
    if (messages.length > 0) await this.query(insertOutboxSql(1), outboxArrays(messages));
  }

  async claim(now: number, owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]> {
    await this.query(`DELETE FROM outbox WHERE state = 'sent' AND settled_at < $1`, [now - KEEP_SENT_MS]);
    const { rows } = await this.query<OutboxRow>(CLAIM, [now, owner, leaseUntil, limit]);
    // RETURNING gives no order; senders want the oldest first.
    return rows.map(toMessage).sort((a, b) => a.id - b.id);
  }

  async settle(id: number, owner: string, outcome: OutboxOutcome, now: number): Promise<void> {
    const failed = outcome.state !== 'sent';
    await this.query(SETTLE, [
      id,
      owner,
      outcome.state === 'retry' ? 'pending' : outcome.state,
      failed ? 1 : 0,
      outcome.state === 'sent' ? null : outcome.error,
      outcome.state === 'retry' ? outcome.nextAttemptAt : null,
      outcome.state === 'retry' ? null : now,
    ]);
  }

  async nextAt(): Promise<number | undefined> {
    const { rows } = await this.query<{ next: string | null }>(`SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS next FROM outbox WHERE state = 'pending'`);
    return rows[0]?.next == null ? undefined : Number(rows[0].next);
  }

  async list(filter: { state: OutboxMessage['state']; requestId?: string; limit?: number }): Promise<OutboxMessage[]> {
    const { rows } = filter.requestId
      ? await this.query<OutboxRow>('SELECT * FROM outbox WHERE state = $1 AND request_id = $2 ORDER BY id LIMIT $3', [filter.state, filter.requestId, filter.limit ?? 100])
      : await this.query<OutboxRow>('SELECT * FROM outbox WHERE state = $1 ORDER BY id LIMIT $2', [filter.state, filter.limit ?? 100]);
    return rows.map(toMessage);
  }
}

function toMessage(row: OutboxRow): OutboxMessage {
  let data: Record<string, Json> = {};
  try {
    data = JSON.parse(row.data) as Record<string, Json>;
  } catch {
    data = {};
  }
  return {
    id: Number(row.id),
    requestId: row.request_id,
    kind: row.kind,
    data,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    state: row.state,
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}
