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

interface FactsRow {
  id: string;
  status: RequestStatus;
  created_at: number;
  tool_name: string;
  requester: string;
  tool_params: string | null;
  approver_groups: string | null;
  ttl_seconds: number;
  decided_by: string | null;
  decided_at: number | null;
  granted_at: number | null;
  expires_at: number | null;
  ended_at: number | null;
  end_attempts: number | null;
  provider: string;
  granted_provider: string | null;
}

interface EventRow {
  seq: number;
  request_id: string | null;
  type: string;
  actor: string;
  at: number;
  data: string;
}

/** Analytics' two reads over a SQLite store, returning only the fields analytics uses. */
export class SqliteAnalyticsReads {
  constructor(private readonly db: Database.Database) {}

  /** See {@link RequestStore.requestsOverlapping}. */
  requestsOverlapping(from: number, to: number): RequestFacts[] {
    // Two indexed halves: rows touched since `from`, and open rows untouched since (an active grant from last month).
    const rows = this.db
      .prepare(
        `SELECT ${FACTS} FROM requests WHERE updated_at >= @from AND created_at < @to
         UNION ALL
         SELECT ${FACTS} FROM requests WHERE updated_at < @from AND created_at < @to AND status IN (${OPEN_STATUSES})`,
      )
      .all({ from, to }) as FactsRow[];
    return rows.map(facts);
  }

  /** See {@link RequestStore.auditEventsBetween}. */
  auditEventsBetween(from: number, to: number, types: readonly string[] | undefined, parseData: (text: string) => Record<string, Json>): EventFacts[] {
    const params: Record<string, unknown> = { from, to };
    let typeClause = '';
    if (types) {
      if (types.length === 0) return [];
      typeClause = ` AND type IN (${types.map((_, i) => `@type${i}`).join(', ')})`;
      types.forEach((type, i) => (params[`type${i}`] = type));
    }
    const rows = this.db
      .prepare(`SELECT seq, request_id, type, actor, at, data FROM audit_events WHERE at >= @from AND at < @to${typeClause} ORDER BY seq`)
      .all(params) as EventRow[];
    return rows.map((row) => ({ seq: row.seq, requestId: row.request_id, type: row.type, actor: row.actor, at: row.at, data: parseData(row.data) }));
  }
}

// Most requests carry no parameters: share one empty object rather than parse "{}" 100,000 times.
const NO_PARAMS: Readonly<Record<string, Json>> = Object.freeze({});

function facts(row: FactsRow): RequestFacts {
  const request: RequestFacts = {
    id: row.id,
    status: row.status,
    toolName: row.tool_name,
    toolParams: row.tool_params === null || row.tool_params === '{}' ? (NO_PARAMS as Record<string, Json>) : (JSON.parse(row.tool_params) as Record<string, Json>),
    requester: row.requester,
    approverGroups: row.approver_groups === null ? [] : (JSON.parse(row.approver_groups) as string[]),
    ttlSeconds: row.ttl_seconds,
    createdAt: row.created_at,
    endAttempts: row.end_attempts ?? 0,
    preview: { provider: row.provider },
  };
  if (row.decided_by !== null) request.decidedBy = row.decided_by;
  if (row.decided_at !== null) request.decidedAt = row.decided_at;
  if (row.granted_at !== null) request.grantedAt = row.granted_at;
  if (row.expires_at !== null) request.expiresAt = row.expires_at;
  if (row.ended_at !== null) request.endedAt = row.ended_at;
  if (row.granted_provider !== null) request.grantedWith = { provider: row.granted_provider };
  return request;
}
