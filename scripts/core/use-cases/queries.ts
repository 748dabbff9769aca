import { ACTIVE_STATUSES } from '../lifecycle.js';
import { PermissionError, ValidationError } from '../errors.js';
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
 * One request with its audit trail, for the people involved in it (requester, approvers, current members of
 * its approver groups). Anyone else is refused: requests carry justifications and parameters.
 */
export async function describeRequest(
  deps: Pick<JitDeps, 'store' | 'directory'>,
  input: { requestId: string | undefined; actorEmail: string | undefined },
): Promise<{ request: AccessRequest; events: AuditEvent[] }> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const request = await loadRequest(deps, input.requestId);
  const party = await resolveParty(deps.directory, actor);
  if (!isInvolved(request, party) && !(await isEligibleApprover(deps, actor, request.approverGroups))) {
    throw new PermissionError('describe.not_involved', `Request ${request.id} can be seen by its requester and its approvers only.`);
  }
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
  limit?: number;
}

/**
 * Pending and active requests the person can act on: those they may approve and their own. With a status
 * filter, that status instead.
 */
export async function listActiveRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput): Promise<AccessRequest[]> {
  const statuses = input.status ? [parseStatus(input.status)] : ['approval_pending', ...ACTIVE_STATUSES] as RequestStatus[];
  return visibleRequests(deps, input, statuses);
}

/** A person's own requests, or, for an approver, the requests of someone they approve for. */
export async function viewUserRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput & { userEmail?: string | undefined }): Promise<AccessRequest[]> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const user = input.userEmail?.trim() ? normaliseEmail(input.userEmail, 'user_email') : actor;
  const filter = baseFilter(deps, input);
  filter.requester = user;
  if (input.status?.trim()) filter.statuses = [parseStatus(input.status)];
  // Someone else's requests are shown only where the caller is one of the approvers.
  if (user !== actor) filter.approver = actor;
  return deps.store.list(filter);
}

/** Free-text search over the requests the person is involved in. */
export async function searchRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput): Promise<AccessRequest[]> {
  return visibleRequests(deps, input, input.status ? [parseStatus(input.status)] : undefined);
}

async function visibleRequests(deps: Pick<JitDeps, 'store' | 'clock'>, input: ListInput, statuses: RequestStatus[] | undefined): Promise<AccessRequest[]> {
  const actor = normaliseEmail(input.actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const filter = baseFilter(deps, input);
  if (statuses) filter.statuses = statuses;
  if (input.requester?.trim()) filter.requester = normaliseEmail(input.requester, 'requester');
  const [asApprover, asRequester] = await Promise.all([
    deps.store.list({ ...filter, approver: actor }),
    filter.requester && filter.requester !== actor ? Promise.resolve([]) : deps.store.list({ ...filter, requester: actor }),
  ]);
  const byId = new Map([...asApprover, ...asRequester].map((r) => [r.id, r]));
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, filter.limit);
}

function baseFilter(deps: Pick<JitDeps, 'clock'>, input: ListInput): RequestFilter {
  const filter: RequestFilter = { limit: Math.min(Math.max(input.limit ?? 25, 1), 200) };
  if (input.toolName?.trim()) filter.toolName = input.toolName.trim();
  if (input.query?.trim()) filter.text = input.query.trim().slice(0, 200);
  if (input.since?.trim()) filter.createdAfter = parseSince(input.since.trim(), deps.clock.now());
  return filter;
}

function parseStatus(text: string): RequestStatus {
  const status = text.trim().toLowerCase() as RequestStatus;
  if (!STATUSES.includes(status)) {
    throw new ValidationError('list.invalid_status', `status ${quoted(text, 30)} is not one of ${STATUSES.join(', ')}.`);
  }
  return status;
}

function parseSince(text: string, now: number): number {
  const relative = /^(\d+)([hdw])$/.exec(text);
  if (relative) return now - Number(relative[1]) * { h: 3600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 'h' | 'd' | 'w'];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new ValidationError('list.invalid_since', `since ${quoted(text, 30)} must be a date (2026-11-01) or an age such as 24h, 7d.`);
  return at;
}
