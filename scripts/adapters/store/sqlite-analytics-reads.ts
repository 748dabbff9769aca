import type Database from 'better-sqlite3';
import type { EventFacts, RequestFacts } from '../../core/analytics/analytics-types.js';
import type { AccessRequest, Json, RequestStatus } from '../../core/types.js';

// The states a request can still leave; everything else is final and never updated again.
const OPEN_STATUSES = "'approval_pending', 'granting', 'access_granted', 'ending'";

// The request fields analytics reads, kept as columns beside the JSON body (written with it on every create
// and update): reading 100,000 requests then builds small objects rather than parsing every full body, whose
// garbage was most of analytics' time.
const FACT_FIELDS: readonly (readonly [column: string, param: string])[] = [
  ['decided_by', 'decidedBy'],
  ['decided_at', 'decidedAt'],
  ['granted_at', 'grantedAt'],
  ['ended_at', 'endedAt'],
  ['ttl_seconds', 'ttlSeconds'],
  ['end_attempts', 'endAttempts'],
  ['provider', 'provider'],
  ['granted_provider', 'grantedProvider'],
  ['approver_groups', 'approverGroups'],
  ['tool_params', 'toolParams'],
];

/** The fact columns, for an INSERT's column list. */
export const FACT_COLUMNS = FACT_FIELDS.map(([column]) => column).join(', ');
/** The fact parameters, for an INSERT's VALUES. */
export const FACT_VALUES = FACT_FIELDS.map(([, param]) => `@fact_${param}`).join(', ');
/** The fact assignments, for an UPDATE's SET. */
export const FACT_UPDATES = FACT_FIELDS.map(([column, param]) => `${column} = @fact_${param}`).join(', ');

/** A request's fact-column values, named as {@link FACT_VALUES} expects. */
export function factColumns(request: AccessRequest): Record<string, unknown> {
  const values: Record<string, unknown> = {
    decidedBy: request.decidedBy ?? null,
    decidedAt: request.decidedAt ?? null,
    grantedAt: request.grantedAt ?? null,
    endedAt: request.endedAt ?? null,
    ttlSeconds: request.ttlSeconds,
    endAttempts: request.endAttempts,
    provider: request.preview.provider,
    grantedProvider: request.grantedWith?.provider ?? null,
    approverGroups: JSON.stringify(request.approverGroups),
    toolParams: JSON.stringify(request.toolParams),
  };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`fact_${key}`, value]));
}

const FACTS = `id, status, created_at, tool_name, requester, expires_at, ${FACT_COLUMNS}`;

// A facts row as an array, in FACTS' order: raw rows skip building 100,000 keyed objects that are dropped at once.
type FactsRow = [
  id: string,
  status: RequestStatus,
  createdAt: number,
  toolName: string,
  requester: string,
  expiresAt: number | null,
  decidedBy: string | null,
  decidedAt: number | null,
  grantedAt: number | null,
  endedAt: number | null,
  ttlSeconds: number,
  endAttempts: number | null,
  provider: string,
  grantedProvider: string | null,
  approverGroups: string | null,
  toolParams: string | null,
];

type EventRow = [seq: number, requestId: string | null, type: string, actor: string, at: number, data: string];

/** Analytics' two reads over a SQLite store, returning only the fields analytics uses. */
export class SqliteAnalyticsReads {
  constructor(private readonly db: Database.Database) {}

  /** See {@link RequestStore.requestsOverlapping}. */
  requestsOverlapping(from: number, to: number): RequestFacts[] {
    // Two indexed halves: rows touched since `from` (read from the covering index requests_analytics alone),
    // and open rows untouched since (an active grant from last month).
    const rows = this.db
      .prepare(
        `SELECT ${FACTS} FROM requests WHERE updated_at >= @from AND created_at < @to
         UNION ALL
         SELECT ${FACTS} FROM requests WHERE updated_at < @from AND created_at < @to AND status IN (${OPEN_STATUSES})`,
      )
      .raw()
      .iterate({ from, to }) as IterableIterator<FactsRow>;
    const shared = new Shared();
    // Row by row: each raw row is garbage as soon as its facts are built, rather than 100,000 of them at once.
    const requests: RequestFacts[] = [];
    for (const row of rows) requests.push(facts(row, shared));
    return requests;
  }

  /** See {@link RequestStore.auditEventsBetween}. */
  auditEventsBetween(
    from: number,
    to: number,
    types: readonly string[] | undefined,
    withDataKey: string | undefined,
    parseData: (text: string) => Record<string, Json>,
  ): EventFacts[] {
    const params: Record<string, unknown> = { from, to };
    let clauses = '';
    if (types) {
      if (types.length === 0) return [];
      clauses = ` AND type IN (${types.map((_, i) => `@type${i}`).join(', ')})`;
      types.forEach((type, i) => (params[`type${i}`] = type));
    }
    if (withDataKey !== undefined) {
      // A text search, not json_type(): an edited row that is not JSON must not fail the read (parseData wraps it).
      clauses += ' AND instr(data, @quotedKey) > 0';
      params.quotedKey = JSON.stringify(withDataKey);
    }
    const rows = this.db
      .prepare(`SELECT seq, request_id, type, actor, at, data FROM audit_events WHERE at >= @from AND at < @to${clauses} ORDER BY seq`)
      .raw()
      .all(params) as EventRow[];
    const data = new Memo<Record<string, Json>>();
    const events = rows.map(([seq, requestId, type, actor, at, text]): EventFacts => ({ seq, requestId, type, actor, at, data: data.get(text, parseData) }));
    // The text search may also match the key inside a value: keep only the events whose data has it.
    return withDataKey === undefined ? events : events.filter((e) => Object.hasOwn(e.data, withDataKey));
  }
}

/**
 * Parses each distinct JSON text once. Most texts repeat (`{"ttl_seconds":3600}`, `["platform-approvers"]`), so
 * a window of 100,000 rows parses a few hundred; the parsed values are shared, which is safe because analytics
 * only reads them.
 */
class Memo<T> {
  private readonly parsed = new Map<string, T>();

  get(text: string, parse: (text: string) => T): T {
    let value = this.parsed.get(text);
    if (value === undefined) {
      value = parse(text);
      // Texts unlikely to repeat (a justification, a ticket number) are not kept, so the map stays small.
      if (text.length <= 200) this.parsed.set(text, value);
    }
    return value;
  }
}

const parseJson = (text: string) => JSON.parse(text) as Json;
const same = (text: string) => text;
const providerOnly = (provider: string) => ({ provider });

/**
 * The values many requests of one read share. Repeated strings (a status, a tool, an approver) are kept once:
 * the copy each row brings is then short-lived garbage rather than 100,000 strings the collector must move.
 */
class Shared {
  readonly strings = new Memo<string>();
  readonly json = new Memo<Json>();
  readonly providers = new Memo<{ provider: string }>();

  text(value: string): string {
    return this.strings.get(value, same);
  }
}

function facts(row: FactsRow, shared: Shared): RequestFacts {
  const [id, status, createdAt, toolName, requester, expiresAt, decidedBy, decidedAt, grantedAt, endedAt, ttlSeconds, endAttempts, provider, grantedProvider, approverGroups, toolParams] = row;
  const request: RequestFacts = {
    id,
    status: shared.text(status) as RequestStatus,
    toolName: shared.text(toolName),
    toolParams: toolParams === null ? {} : (shared.json.get(toolParams, parseJson) as Record<string, Json>),
    requester: shared.text(requester),
    approverGroups: approverGroups === null ? [] : (shared.json.get(approverGroups, parseJson) as string[]),
    ttlSeconds,
    createdAt,
    endAttempts: endAttempts ?? 0,
    preview: shared.providers.get(provider, providerOnly),
  };
  if (decidedBy !== null) request.decidedBy = shared.text(decidedBy);
  if (decidedAt !== null) request.decidedAt = decidedAt;
  if (grantedAt !== null) request.grantedAt = grantedAt;
  if (expiresAt !== null) request.expiresAt = expiresAt;
  if (endedAt !== null) request.endedAt = endedAt;
  if (grantedProvider !== null) request.grantedWith = shared.providers.get(grantedProvider, providerOnly);
  return request;
}
