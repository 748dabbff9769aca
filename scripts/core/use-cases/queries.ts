import { parseDuration } from '../duration.js';
import { ACTIVE_STATUSES } from '../lifecycle.js';
import { decodeCursor, encodeCursor } from '../list-cursor.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { quoted } from '../quote.js';
import { isOwner, isSamePerson, resolveParty, type Party } from '../people.js';
import type { RequestFilter } from '../ports.js';
import type { AccessRequest, AuditEvent, RequestStatus } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { loadRequest } from './load-request.js';

const STATUSES: readonly RequestStatus[] = [
  'approval_pending', 'access_denied', 'cancelled', 'timed_out', 'granting', 'access_granted', 'failed', 'ending', 'access_expired', 'revoked',
];

/**
 * True when the person asked, was asked for, decided, or is listed as an approver of the request: by the
 * directory ids recorded on it where there are some, else by the normalised email.
 */
function isInvolved(request: AccessRequest, actor: Party): boolean {
  if (isOwner(actor, request)) return true;
  const ids = request.personIds;
  if (request.decidedBy && isSamePerson(actor, ids?.decidedBy ? { email: request.decidedBy, id: ids.decidedBy } : { email: request.decidedBy })) return true;
  if (ids?.approvers) return actor.id !== undefined && ids.approvers.includes(actor.id);
  return request.approvers.includes(actor.email);
}

/**
 * The one answer to an id that does not exist and to one the person may not see: the same code, message and
 * (in the console) status, so holding or guessing ids tells nobody which exist. The id was checked for shape first.
 */
function notVisible(id: string): NotFoundError {
  return new NotFoundError('request.not_found', `No request ${id} that you can see. Check the id with list_active_access_requests or view_user_requests.`);
}

/**
 * One request with its audit trail, for the people involved in it (requester, approvers, current members of
 * its approver groups). Anyone else is answered as if it did not exist: requests carry justifications and
 * parameters, and even their existence is not theirs to learn.
 */
export async function describeRequest(
  deps: Pick<JitDeps, 'store' | 'directory'>,
  input: { requestId: string | undefined; actorEmail: string | undefined },
): Promise<{ request: AccessRequest; events: AuditEvent[] }> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  // Who is asking is looked up before the id, so an unknown id and someone else's take the same first steps.
  const party = await resolveParty(deps.directory, actor);
  const request = await loadRequest(deps, input.requestId).catch((err: unknown) => {
    throw err instanceof NotFoundError ? notVisible((input.requestId ?? '').trim()) : err;
  });
  if (!isInvolved(request, party) && !(await isEligibleApprover(deps, actor, request.approverGroups))) throw notVisible(request.id);
  return { request, events: await deps.store.auditEvents({ requestId: request.id }) };
}

/** Filters a person may pass to the listing tools, as raw strings. */
export interface ListInput {
  actorEmail: string | undefined;
  status?: string | undefined;
  toolName?: string | undefined;
  requester?: string | undefined;
  query?: string | undefined;
  since?: string | undefined;
  /** How many to show, 1–200 (default 25). */
  limit?: string | number | undefined;
  /** The `nextCursor` of the previous page, to see the next one. */
  cursor?: string | undefined;
}

/** One page of a listing: how many matched in all, and where the next page starts when there is one. */
export interface RequestPage {
  requests: AccessRequest[];
  /** Every request that matches, on this page or not. */
  total: number;
  /** How many came before this page. */
  offset: number;
  /** Pass as `cursor` to see the next page; absent on the last page. */
  nextCursor?: string;
}

/** Default and largest page sizes: a teammate relays the page, so it stays readable; the rest is a cursor away. */
export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 200;

/**
 * Pending and active requests the person can act on: those they may approve and their own. With a status
 * filter, that status instead.
 */
export async function listActiveRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput): Promise<RequestPage> {
  const statuses = input.status ? [parseStatus(input.status)] : ['approval_pending', ...ACTIVE_STATUSES] as RequestStatus[];
  return visibleRequests(deps, input, statuses);
}

/** A person's own requests, or, for an approver, the requests of someone they approve for. */
export async function viewUserRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput & { userEmail?: string | undefined }): Promise<RequestPage> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const user = input.userEmail?.trim() ? normaliseEmail(input.userEmail, 'user_email') : actor;
  const filter = baseFilter(deps, input);
  filter.requester = user;
  if (input.status?.trim()) filter.statuses = [parseStatus(input.status)];
  // Someone else's requests are shown only where the caller is one of the approvers.
  if (user !== actor) filter.approver = actor;
  return page(deps, filter, input);
}

/** Free-text search over the requests the person is involved in. */
export async function searchRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput): Promise<RequestPage> {
  return visibleRequests(deps, input, input.status ? [parseStatus(input.status)] : undefined);
}

async function visibleRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput, statuses: RequestStatus[] | undefined): Promise<RequestPage> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const filter = baseFilter(deps, input);
  if (statuses) filter.statuses = statuses;
  if (input.requester?.trim()) filter.requester = normaliseEmail(input.requester, 'requester');
  // What the person asked for or may decide: one query, so the count and the pages agree.
  filter.involves = actor;
  return page(deps, filter, input);
}

/**
 * One page of the filter's matches, newest first, and their total. Keyset paging: the cursor holds the last
 * request shown, so requests filed meanwhile (which are newer) never shift or repeat a later page.
 */
async function page(deps: Pick<JitDeps, 'store'>, filter: RequestFilter, input: ListInput): Promise<RequestPage> {
  const limit = parseLimit(input.limit);
  const cursor = input.cursor?.trim() ? decodeCursor(input.cursor) : undefined;
  const [rows, total] = await Promise.all([
    deps.store.list({ ...filter, limit: limit + 1, ...(cursor ? { after: cursor.position } : {}) }),
    deps.store.count(filter),
  ]);
  const requests = rows.slice(0, limit);
  const offset = cursor?.shown ?? 0;
  const last = requests[requests.length - 1];
  const more = rows.length > limit && last !== undefined;
  return { requests, total, offset, ...(more ? { nextCursor: encodeCursor({ position: { createdAt: last.createdAt, id: last.id }, shown: offset + requests.length }) } : {}) };
}

function baseFilter(deps: Pick<JitDeps, 'clock'>, input: ListInput): RequestFilter {
  const filter: RequestFilter = {};
  if (input.toolName?.trim()) filter.toolName = input.toolName.trim();
  if (input.query?.trim()) filter.text = input.query.trim().slice(0, 200);
  if (input.since?.trim()) filter.createdAfter = parseSince(input.since.trim(), deps.clock.now());
  return filter;
}

function parseLimit(value: string | number | undefined): number {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return DEFAULT_LIST_LIMIT;
  const text = String(value).trim();
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new ValidationError(
      'list.invalid_limit',
      `limit ${quoted(text, 20)} must be a whole number from 1 to ${MAX_LIST_LIMIT}. For more, page with the cursor each answer gives.`,
    );
  }
  return limit;
}

function parseStatus(text: string): RequestStatus {
  const status = text.trim().toLowerCase() as RequestStatus;
  if (!STATUSES.includes(status)) {
    throw new ValidationError('list.invalid_status', `status ${quoted(text, 30)} is not one of ${STATUSES.join(', ')}.`);
  }
  return status;
}

/** `since`: an age back from now, read by the package's one duration parser (24h, 7d, 1w, PT12H), or a date. */
function parseSince(text: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (!Number.isNaN(at)) return at;
  } else {
    try {
      return now - parseDuration(text, 'since') * 1000;
    } catch {
      // Falls through to the message that names both forms.
    }
  }
  throw new ValidationError('list.invalid_since', `since ${quoted(text, 30)} must be a date (2026-11-01) or an age such as 24h, 7d.`);
}
