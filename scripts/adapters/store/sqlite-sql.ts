/**
 * The SQL the SQLite store shares between its methods: the due-work queries, list filters, and the mapping
 * between a request and its row.
 */
import { factColumns } from './sqlite-analytics-reads.js';
import type { DueThresholds, RequestFilter } from '../../core/ports.js';
import type { AccessRequest } from '../../core/types.js';

/** A row's stored request. */
export type BodyRow = { body: string };

// One row per request with the instant the sweeper must next look at it; `due`, `claimDue` and `nextDueAt`
// share it. A row under a removal lease is due no earlier than the lease's end (a lease that ran out no longer
// delays it).
const dueTimes = (from = 'requests', andWhere = '') => `
  SELECT id, body, claimed_until, lease_until, MAX(COALESCE(lease_until, 0), CASE
    WHEN status = 'access_granted' AND warned = 0 THEN MIN(expires_at - @warnBeforeMs, expires_at)
    WHEN status = 'access_granted' THEN expires_at
    WHEN status = 'ending' THEN COALESCE(next_attempt_at, updated_at)
    WHEN status = 'approval_pending' THEN created_at + @approvalTimeoutMs
    -- A grant that did not finish: its clean-up's backoff, else the lease or its expiry, whichever comes first.
    WHEN status = 'granting' THEN COALESCE(next_attempt_at, MIN(updated_at + @grantingLeaseMs, COALESCE(expires_at, updated_at + @grantingLeaseMs)))
  END) AS due_at
  FROM ${from}
  WHERE status IN ('access_granted', 'ending', 'approval_pending', 'granting') ${andWhere}`;
export const dueTimesSql = dueTimes();

// Unleased rows by kind, each an index walk that stops at its first row; leased rows (few: removals running
// now, or whose process died) through the lease index, at their lease's end if that is later.
export const nextDueSql = `
  SELECT MIN(due_at) AS next FROM (
    SELECT (SELECT expires_at FROM requests WHERE status = 'access_granted' AND lease_until IS NULL ORDER BY expires_at LIMIT 1) AS due_at
    UNION ALL SELECT (SELECT expires_at - @warnBeforeMs FROM requests WHERE status = 'access_granted' AND warned = 0 AND lease_until IS NULL ORDER BY expires_at LIMIT 1)
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at)) FROM requests WHERE status = 'ending' AND lease_until IS NULL
    UNION ALL SELECT (SELECT created_at + @approvalTimeoutMs FROM requests WHERE status = 'approval_pending' AND lease_until IS NULL ORDER BY created_at LIMIT 1)
    UNION ALL SELECT MIN(COALESCE(next_attempt_at, updated_at + @grantingLeaseMs)) FROM requests WHERE status = 'granting' AND lease_until IS NULL
    UNION ALL SELECT MIN(expires_at) FROM requests WHERE status = 'granting' AND next_attempt_at IS NULL AND lease_until IS NULL
    UNION ALL SELECT MIN(due_at) FROM (${dueTimes('requests INDEXED BY requests_by_lease', 'AND lease_until IS NOT NULL')})
  )`;

/** The thresholds as named parameters of the due queries. */
export function thresholdParams(t: DueThresholds): Record<string, number> {
  return { warnBeforeMs: t.warnBeforeMs, approvalTimeoutMs: t.approvalTimeoutMs, grantingLeaseMs: t.grantingLeaseMs };
}

/**
 * The WHERE clause (possibly empty) and its parameters for a list filter; with `paging`, also the keyset
 * position `filter.after` (which `count` ignores).
 */
export function filterSql(filter: RequestFilter, paging = false): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.statuses?.length) {
    where.push(`status IN (${filter.statuses.map((_, i) => `@status${i}`).join(', ')})`);
    filter.statuses.forEach((status, i) => (params[`status${i}`] = status));
  }
  const add = (clause: string, name: string, value: unknown) => {
    where.push(clause);
    params[name] = value;
  };
  if (filter.requester) add('requester = @requester', 'requester', filter.requester);
  if (filter.requestedBy) add(`json_extract(body, '$.requestedBy') = @requestedBy`, 'requestedBy', filter.requestedBy);
  if (filter.toolName) add('tool_name = @toolName', 'toolName', filter.toolName);
  const isApprover = (name: string) => `EXISTS (SELECT 1 FROM json_each(body, '$.approvers') WHERE value = @${name})`;
  if (filter.approver) add(isApprover('approver'), 'approver', filter.approver);
  if (filter.involves) add(`(requester = @involves OR ${isApprover('involves')})`, 'involves', filter.involves);
  if (filter.text) add(`body LIKE @text ESCAPE '\\'`, 'text', `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.createdAfter !== undefined) add('created_at >= @after', 'after', filter.createdAfter);
  if (filter.createdBefore !== undefined) add('created_at < @before', 'before', filter.createdBefore);
  if (paging && filter.after) {
    where.push('(created_at < @afterCreatedAt OR (created_at = @afterCreatedAt AND id < @afterId))');
    params.afterCreatedAt = filter.after.createdAt;
    params.afterId = filter.after.id;
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * The list query. With several statuses and no requester it asks once per status, newest first, and merges:
 * each part walks the (status, created_at) index backwards and stops at `limit`, where one query over all the
 * statuses would test every row of those statuses (10,000 active grants: a JSON parse each for the approver
 * filter) and then sort. A requester has its own (requester, created_at) index, which one query uses best.
 */
export function listSql(filter: RequestFilter): { sql: string; params: Record<string, unknown> } {
  const statuses = filter.statuses ?? [];
  const perStatus = statuses.length > 1 && !filter.requester;
  const { where, params } = filterSql({ ...filter, statuses: perStatus ? [] : statuses }, true);
  params.limit = filter.limit ?? 50;
  if (!perStatus) return { sql: `SELECT body FROM requests ${where} ORDER BY created_at DESC, id DESC LIMIT @limit`, params };
  const rest = where ? `AND ${where.slice('WHERE '.length)}` : '';
  const parts = statuses.map((status, i) => {
    params[`only${i}`] = status;
    return `SELECT * FROM (SELECT body, created_at, id FROM requests WHERE status = @only${i} ${rest} ORDER BY created_at DESC, id DESC LIMIT @limit)`;
  });
  return { sql: `SELECT body FROM (${parts.join(' UNION ALL ')}) ORDER BY created_at DESC, id DESC LIMIT @limit`, params };
}

/** The indexed columns of a request's row and the facts analytics reads, as named parameters. */
export function columns(request: AccessRequest): Record<string, unknown> {
  return {
    id: request.id,
    status: request.status,
    version: request.version,
    toolName: request.toolName,
    requester: request.requester,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    expiresAt: request.expiresAt ?? null,
    nextAttemptAt: request.nextAttemptAt ?? null,
    warned: request.warned ? 1 : 0,
    body: JSON.stringify(request),
    ...factColumns(request),
  };
}

/** The request a row holds. */
export function parseBody(row: BodyRow): AccessRequest {
  return JSON.parse(row.body) as AccessRequest;
}
