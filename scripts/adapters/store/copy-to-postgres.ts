/**
 * Moves an installation from its SQLite file to a PostgreSQL database (`kubiya-jit store copy`): every
 * request, the audit log verbatim (each event's data as the exact text written, with its seq, previous
 * hash and hash, so the chain still verifies on the copy), and every other table the providers and the
 * worker keep (target locks, holds, follow-ups, the notification outbox, console credentials). All in one transaction: a failure leaves the target as it
 * was. Only the cache stays behind.
 */
import { verifyChain } from '../../core/audit-chain.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import type { AccessRequest, AuditEvent } from '../../core/types.js';
import type { PostgresRequestStore } from './postgres-request-store.js';
import { INSERT_EVENTS, LOCK_HEAD, SET_HEAD } from './postgres-sql.js';
import type { SqliteRequestStore } from './sqlite-request-store.js';

/** What a copy moved, and the chain head both sides now share. */
export interface CopyReport {
  requests: number;
  events: number;
  /** Rows copied per other table ({@link PLAIN_TABLES}). */
  tables: Record<string, number>;
  headHash: string;
  appliedMigrations: number[];
}

const CHUNK = 2_000;

/** A column's PostgreSQL type, for the `unnest` of its array. */
type PgType = 'text' | 'bigint' | 'integer' | 'boolean';

/**
 * Tables copied row for row, each column with its PostgreSQL type (SQLite keeps booleans as 0 and 1). A new
 * SQLite table must be added here or to {@link NOT_COPIED}: a copy refuses a source with a table it does not
 * know (and a unit test checks the current schema), so no table is ever left behind silently.
 */
export const PLAIN_TABLES: readonly { table: string; columns: Readonly<Record<string, PgType>> }[] = [
  { table: 'target_locks', columns: { name: 'text', owner: 'text', until: 'bigint' } },
  { table: 'target_holds', columns: { target: 'text', grant_id: 'text', expires_at: 'bigint', keep: 'boolean' } },
  { table: 'follow_ups', columns: { key: 'text', provider: 'text', due_at: 'bigint', data: 'text', attempts: 'integer', claimed_by: 'text', claimed_until: 'bigint' } },
  // Checkpoints name events by number and hash, which the copy keeps: they hold on the target as they did here.
  { table: 'audit_checkpoints', columns: { seq: 'bigint', hash: 'text', verified_at: 'bigint' } },
  {
    table: 'outbox',
    columns: {
      id: 'bigint',
      request_id: 'text',
      kind: 'text',
      data: 'text',
      dedupe_key: 'text',
      state: 'text',
      created_at: 'bigint',
      next_attempt_at: 'bigint',
      attempts: 'integer',
      last_error: 'text',
      lease_owner: 'text',
      lease_until: 'bigint',
      settled_at: 'bigint',
    },
  },
  {
    // Console sessions and API tokens, hashed: people stay signed in and their tokens keep working.
    table: 'credentials',
    columns: {
      id: 'text',
      kind: 'text',
      owner: 'text',
      label: 'text',
      secret_hash: 'text',
      created_at: 'bigint',
      expires_at: 'bigint',
      last_used_at: 'bigint',
      revoked_at: 'bigint',
    },
  },
];

/** Tables with a copy of their own below: requests (their approvers become an array) and the audit chain. */
export const SPECIAL_TABLES: readonly string[] = ['requests', 'audit_events'];

/** Tables left behind: the cache refills itself; the target keeps its own record of migrations. */
export const NOT_COPIED: readonly string[] = ['cache', 'schema_migrations'];

const INSERT_REQUESTS = `
  INSERT INTO requests (id, status, version, tool_name, requester, approvers, created_at, updated_at, expires_at, next_attempt_at, warned, body)
  SELECT r.id, r.status, r.version, r.tool_name, r.requester, ARRAY(SELECT json_array_elements_text(r.approvers::json)),
    r.created_at, r.updated_at, r.expires_at, r.next_attempt_at, r.warned, r.body
  FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::boolean[], $12::text[])
    AS r(id, status, version, tool_name, requester, approvers, created_at, updated_at, expires_at, next_attempt_at, warned, body)`;

/**
 * Copies `source` into `target`, migrating the target first. Refuses a source whose chain does not verify
 * (copying it would hide where it broke) and a target that holds any request or audit event.
 */
export async function copySqliteToPostgres(source: SqliteRequestStore, target: PostgresRequestStore, sourcePath: string): Promise<CopyReport> {
  const known = new Set([...PLAIN_TABLES.map((t) => t.table), ...SPECIAL_TABLES, ...NOT_COPIED]);
  const unknown = source.tableNames().filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ValidationError(
      'store.copy_unknown_tables',
      `${sourcePath} has table${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} that this kubiya-jit cannot copy (a file from a newer version?); nothing was copied. Copy with the kubiya-jit that last wrote the file.`,
    );
  }
  const requests = await source.list({ limit: Number.MAX_SAFE_INTEGER });
  const plain = PLAIN_TABLES.map((spec) => ({ spec, rows: source.rawRows(spec.table) }));
  const raw = source.rawAuditEvents();
  const verdict = verifyChain(await source.auditEvents());
  if (!verdict.ok) {
    throw new ValidationError('store.copy_source_tampered', `The audit log in ${sourcePath} does not verify (${verdict.problem}); nothing was copied. Run kubiya-jit audit verify on it and investigate first.`);
  }
  const { applied } = await target.migrate();
  await target.transaction(async (client) => {
    // The head lock also keeps any writer that started meanwhile out until the copy commits.
    const head = (await client.query<{ seq: string }>(LOCK_HEAD)).rows[0];
    const counts = ['requests', 'audit_events', ...PLAIN_TABLES.map((t) => t.table)].map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`);
    const held = (await client.query<Record<string, string>>(`SELECT ${counts.join(', ')}`)).rows[0]!;
    if (Object.values(held).some((n) => Number(n) > 0) || Number(head?.seq ?? 0) > 0) {
      throw new ConflictError(
        'store.copy_target_not_empty',
        `The target database ${target.settings.location} already holds ${held.requests} requests, ${held.audit_events} audit events and ${PLAIN_TABLES.reduce((sum, t) => sum + Number(held[t.table]), 0)} rows of locks, holds, follow-ups, notifications and console credentials; store copy only fills an empty one. Point --to at a new database.`,
      );
    }
    for (let i = 0; i < requests.length; i += CHUNK) await client.query(INSERT_REQUESTS, requestColumns(requests.slice(i, i + CHUNK)));
    for (let i = 0; i < raw.length; i += CHUNK) await client.query(INSERT_EVENTS, eventColumns(raw.slice(i, i + CHUNK)));
    for (const { spec, rows } of plain) {
      for (let i = 0; i < rows.length; i += CHUNK) await client.query(plainInsert(spec), plainColumns(spec, rows.slice(i, i + CHUNK)));
    }
    // The outbox keeps its ids (their order is the sending order); new messages are numbered after them.
    await client.query(`SELECT setval(pg_get_serial_sequence('outbox', 'id'), GREATEST((SELECT MAX(id) FROM outbox), 1), (SELECT MAX(id) FROM outbox) IS NOT NULL)`);
    const last = raw.at(-1);
    if (last) await client.query(SET_HEAD, [last.seq, last.hash]);
  });
  const copied = verifyChain(await target.auditEvents());
  if (!copied.ok || copied.headHash !== verdict.headHash || copied.events !== verdict.events) {
    // Cannot happen unless something else wrote to the target during the copy; say so rather than report success.
    throw new ConflictError('store.copy_mismatch', `The copy in ${target.settings.location} does not match the source's audit chain; check what else writes to it.`);
  }
  const tables = Object.fromEntries(plain.map(({ spec, rows }) => [spec.table, rows.length]));
  return { requests: requests.length, events: raw.length, tables, headHash: verdict.headHash, appliedMigrations: applied };
}

function requestColumns(rows: readonly AccessRequest[]): unknown[][] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.status),
    rows.map((r) => r.version),
    rows.map((r) => r.toolName),
    rows.map((r) => r.requester),
    rows.map((r) => JSON.stringify(r.approvers)),
    rows.map((r) => r.createdAt),
    rows.map((r) => r.updatedAt),
    rows.map((r) => r.expiresAt ?? null),
    rows.map((r) => r.nextAttemptAt ?? null),
    rows.map((r) => r.warned),
    rows.map((r) => JSON.stringify(r)),
  ];
}

function eventColumns(rows: readonly (Omit<AuditEvent, 'data'> & { data: string })[]): unknown[][] {
  return [
    rows.map((e) => e.seq),
    rows.map((e) => e.requestId),
    rows.map((e) => e.type),
    rows.map((e) => e.actor),
    rows.map((e) => e.at),
    rows.map((e) => e.data),
    rows.map((e) => e.prevHash),
    rows.map((e) => e.hash),
  ];
}

function plainInsert(spec: (typeof PLAIN_TABLES)[number]): string {
  const names = Object.keys(spec.columns);
  const arrays = Object.values(spec.columns).map((type, i) => `$${i + 1}::${type}[]`);
  return `INSERT INTO ${spec.table} (${names.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})`;
}

function plainColumns(spec: (typeof PLAIN_TABLES)[number], rows: readonly Record<string, unknown>[]): unknown[][] {
  return Object.entries(spec.columns).map(([name, type]) => rows.map((row) => (type === 'boolean' && row[name] !== null ? Boolean(row[name]) : row[name])));
}
