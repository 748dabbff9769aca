/**
 * The SQL of the PostgreSQL store, one statement per purpose, with positional parameters. Kept apart from
 * the adapter class so that a new port method is one new statement here and one short method there.
 */
import type { DueThresholds, RequestFilter } from '../../core/ports.js';
import { hashLayout } from '../../core/audit-chain.js';
import type { AccessRequest, NewAuditEvent } from '../../core/types.js';
import { insertOutboxSql } from './postgres-outbox.js';

/** The columns written for a request, in the order of {@link requestParams}. */
const COLUMNS = 'id, status, version, tool_name, requester, approvers, created_at, updated_at, expires_at, next_attempt_at, warned, body';

export const INSERT_REQUEST = `INSERT INTO requests (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

// Compare-and-swap: the row changes only if it still has the status and version the writer read. Any write
// ends a sweeper's claim, since the request has been acted on (by it or by someone else).
export const UPDATE_REQUEST = `
  UPDATE requests SET status = $2, version = $3, tool_name = $4, requester = $5, approvers = $6, created_at = $7,
    updated_at = $8, expires_at = $9, next_attempt_at = $10, warned = $11, body = $12, claimed_by = NULL, claimed_until = NULL
  WHERE id = $1 AND status = $13 AND version = $14`;

/** The parameters $1–$12 of {@link INSERT_REQUEST} and {@link UPDATE_REQUEST}. */
export function requestParams(r: AccessRequest): unknown[] {
  return [r.id, r.status, r.version, r.toolName, r.requester, r.approvers, r.createdAt, r.updatedAt, r.expiresAt ?? null, r.nextAttemptAt ?? null, r.warned, JSON.stringify(r)];
}

// The instant the sweeper must next look at a request ($1 warn-before, $2 approval timeout, $3 granting lease),
// before any removal lease.
const KIND_DUE_AT = `CASE
    WHEN status = 'access_granted' AND NOT warned THEN expires_at - $1
    WHEN status = 'access_granted' THEN expires_at
    WHEN status = 'ending' THEN COALESCE(next_attempt_at, updated_at)
    WHEN status = 'approval_pending' THEN created_at + $2
    WHEN status = 'granting' THEN COALESCE(next_attempt_at, LEAST(updated_at + $3, COALESCE(expires_at, updated_at + $3)))
  END`;

// A row under a removal lease is due no earlier than the lease's end (a lease that ran out no longer delays it).
const DUE_AT = `GREATEST(COALESCE(lease_until, 0), ${KIND_DUE_AT})`;

// The same rule as DUE_AT <= $4 (now), written per kind so that each branch can use an index.
const IS_DUE = `(
    (status = 'access_granted' AND warned AND expires_at <= $4)
    OR (status = 'access_granted' AND NOT warned AND expires_at <= $4 + $1)
    OR (status = 'ending' AND COALESCE(next_attempt_at, updated_at) <= $4)
    OR (status = 'approval_pending' AND created_at <= $4 - $2)
    OR (status = 'granting' AND COALESCE(next_attempt_at, LEAST(updated_at + $3, COALESCE(expires_at, updated_at + $3))) <= $4)
  ) AND (lease_until IS NULL OR lease_until <= $4)`;

/** Due requests, most overdue first ($5 limit). */
export const SELECT_DUE = `SELECT body FROM requests WHERE ${IS_DUE} ORDER BY ${DUE_AT}, id LIMIT $5`;

/**
 * Claims due requests for one sweeper ($6 owner, $7 claim end). `FOR UPDATE SKIP LOCKED` passes over rows
 * another transaction holds (another sweeper claiming, a writer mid-transition) instead of waiting for them,
 * and a row claimed by a transaction that committed meanwhile is re-checked and dropped, so two sweepers
 * claiming at once get disjoint sets.
 */
export const CLAIM_DUE = `
  WITH picked AS (
    SELECT id, ${DUE_AT} AS due_at FROM requests
    WHERE ${IS_DUE} AND (claimed_until IS NULL OR claimed_until <= $4)
    ORDER BY due_at, id LIMIT $5
    FOR UPDATE SKIP LOCKED
  )
  UPDATE requests r SET claimed_by = $6, claimed_until = $7 FROM picked WHERE r.id = picked.id
  RETURNING r.body, picked.due_at`;

export const RELEASE_CLAIMS = 'UPDATE requests SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1';

/**
 * One indexed MIN per kind of due work on unleased rows (every tool run asks this, so it must not scan the
 * table), and leased rows (few: removals running now, or whose process died) through the lease index, at
 * their lease's end if that is later.
 */
export const NEXT_DUE = `
  SELECT MIN(d)::float8 AS next FROM (
    SELECT MIN(expires_at) AS d FROM requests WHERE status = 'access_granted' AND lease_until IS NULL
    UNION ALL SELECT MIN(expires_at) - $1 FROM requests WHERE status = 'access_granted' AND NOT warned AND lease_until IS NULL
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at)) FROM requests WHERE status = 'ending' AND lease_until IS NULL
    UNION ALL SELECT MIN(created_at) + $2 FROM requests WHERE status = 'approval_pending' AND lease_until IS NULL
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at + $3)) FROM requests WHERE status = 'granting' AND lease_until IS NULL
    UNION ALL SELECT MIN(expires_at) FROM requests WHERE status = 'granting' AND next_attempt_at IS NULL AND lease_until IS NULL
    UNION ALL SELECT MIN(${DUE_AT}) FROM requests WHERE lease_until IS NOT NULL AND status IN ('access_granted', 'ending', 'approval_pending', 'granting')
  ) t`;

// Removal leases ($1 id, $2 owner): taken when free, lapsed, or already the owner's; renewed and released only
// by their owner. They never touch the request's columns, so they cannot break its compare-and-swap.
export const CLAIM_LEASE = 'UPDATE requests SET lease_owner = $2, lease_until = $4 WHERE id = $1 AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until <= $3 OR lease_owner = $2)';
export const RENEW_LEASE = 'UPDATE requests SET lease_until = $3 WHERE id = $1 AND lease_owner = $2';
export const RELEASE_LEASE = 'UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2';

/** The parameters $1–$3 of the due statements. */
export function thresholdParams(t: DueThresholds): number[] {
  return [t.warnBeforeMs, t.approvalTimeoutMs, t.grantingLeaseMs];
}

/**
 * The WHERE clause (possibly empty) and its parameters, numbered from $1, for a list filter; with `paging`,
 * also the keyset position `filter.after` (which `count` ignores).
 */
export function filterSql(filter: RequestFilter, paging = false): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.statuses?.length) add((n) => `status = ANY(${n}::text[])`, [...filter.statuses]);
  if (filter.requester) add((n) => `requester = ${n}`, filter.requester);
  if (filter.requestedBy) add((n) => `((body::jsonb) ->> 'requestedBy') = ${n}`, filter.requestedBy);
  if (filter.toolName) add((n) => `tool_name = ${n}`, filter.toolName);
  if (filter.approver) add((n) => `approvers @> ARRAY[${n}::text]`, filter.approver);
  if (filter.involves) add((n) => `(requester = ${n} OR approvers @> ARRAY[${n}::text])`, filter.involves);
  // LIKE on the stored JSON text, as the SQLite store does; wildcards typed by the person are literal.
  if (filter.text) add((n) => `body ILIKE ${n}`, `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.createdAfter !== undefined) add((n) => `created_at >= ${n}`, filter.createdAfter);
  if (filter.createdBefore !== undefined) add((n) => `created_at < ${n}`, filter.createdBefore);
  if (paging && filter.after) {
    params.push(filter.after.createdAt, filter.after.id);
    const [at, id] = [`$${params.length - 1}`, `$${params.length}`];
    where.push(`(created_at < ${at} OR (created_at = ${at} AND id COLLATE "C" < ${id}))`);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export const LOCK_HEAD = 'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE';

/** The arguments of `kubiya_jit_append` from the first parameter number `n`: eight arrays. */
function appendArgs(n: number): string {
  const types = ['text[]', 'text[]', 'text[]', 'bigint[]', 'text[]', 'text[]', 'text[]', 'text[]'];
  return types.map((type, i) => `$${n + i}::${type}`).join(', ');
}

/** A new request and its events, in one statement (so one transaction and one round trip). */
export const INSERT_REQUEST_WITH_EVENTS = `
  WITH inserted AS (${INSERT_REQUEST} RETURNING id)
  SELECT kubiya_jit_append(${appendArgs(13)}) FROM inserted`;

/** The compare-and-swap and, only if it matched, its events, in one statement: one row back when it matched. */
export const UPDATE_REQUEST_WITH_EVENTS = `
  WITH updated AS (${UPDATE_REQUEST} RETURNING id)
  SELECT kubiya_jit_append(${appendArgs(15)}) FROM updated`;

/**
 * The compare-and-swap with what goes with it, in one statement: the outbox messages ($15–$19, inserted only
 * if the swap matched) and the events (after them). One row back when it matched.
 */
export function updateStatement(withEvents: boolean, withOutbox: boolean): string {
  if (!withOutbox) return withEvents ? UPDATE_REQUEST_WITH_EVENTS : UPDATE_REQUEST;
  const tail = withEvents ? `SELECT kubiya_jit_append(${appendArgs(20)}) FROM updated` : 'SELECT id FROM updated';
  return `WITH updated AS (${UPDATE_REQUEST} RETURNING id), queued AS (${insertOutboxSql(15, 'EXISTS (SELECT 1 FROM updated)')}) ${tail}`;
}

export const APPEND_EVENTS = `SELECT kubiya_jit_append(${appendArgs(1)})`;

/** The eight arrays `kubiya_jit_append` takes, one entry per event. */
export function eventArrays(events: readonly NewAuditEvent[]): unknown[] {
  const layouts = events.map(hashLayout);
  return [
    events.map((e) => e.requestId),
    events.map((e) => e.type),
    events.map((e) => e.actor),
    events.map((e) => e.at),
    events.map((e) => JSON.stringify(e.data)),
    layouts.map((l) => l.before),
    layouts.map((l) => l.between),
    layouts.map((l) => l.after),
  ];
}
export const SET_HEAD = 'UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1';

/** Inserts many events in one statement, from one array per column. */
export const INSERT_EVENTS = `
  INSERT INTO audit_events (seq, request_id, type, actor, at, data, prev_hash, hash)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])`;

export const SELECT_EVENTS = 'SELECT seq, request_id, type, actor, at, data, prev_hash, hash FROM audit_events WHERE seq >= $1 ORDER BY seq';
export const SELECT_REQUEST_EVENTS = 'SELECT seq, request_id, type, actor, at, data, prev_hash, hash FROM audit_events WHERE request_id = $1 AND seq >= $2 ORDER BY seq';
export const LAST_CHECKPOINT = 'SELECT seq, hash, verified_at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1';
export const SAVE_CHECKPOINT = 'INSERT INTO audit_checkpoints (seq, hash, verified_at) VALUES ($1, $2, $3) ON CONFLICT (seq) DO NOTHING';

// Analytics windows ($1 from, $2 to): two indexed halves, rows touched since `from`, and open rows untouched
// since (an active grant from last month). The statuses a request can still leave; the others are final.
export const REQUESTS_OVERLAPPING = `
  SELECT body FROM requests WHERE updated_at >= $1 AND created_at < $2
  UNION ALL
  SELECT body FROM requests WHERE updated_at < $1 AND created_at < $2 AND status IN ('approval_pending', 'granting', 'access_granted', 'ending')`;

// $3 (or $4): the quoted key the data must mention, or null for any event.
export const SELECT_EVENTS_BETWEEN =
  'SELECT seq, request_id, type, actor, at, data, prev_hash, hash FROM audit_events WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR strpos(data, $3) > 0) ORDER BY seq';
export const SELECT_EVENTS_BETWEEN_OF_TYPES =
  'SELECT seq, request_id, type, actor, at, data, prev_hash, hash FROM audit_events WHERE at >= $1 AND at < $2 AND type = ANY($3::text[]) AND ($4::text IS NULL OR strpos(data, $4) > 0) ORDER BY seq';

export const CACHE_GET = 'SELECT value FROM cache WHERE key = $1 AND expires_at > $2';
export const CACHE_PUT = 'INSERT INTO cache (key, value, expires_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at';
