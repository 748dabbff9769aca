import { verifyChain } from '../audit-chain.js';
import { PermissionError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { escapeUnsafe } from '../quote.js';
import type { AuditEvent } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import type { JitDeps } from './deps.js';
import { findRowProblems } from './verify-rows.js';

type AuditDeps = Pick<JitDeps, 'store' | 'directory' | 'clock'>;

/**
 * Refuses anyone who is not an ACTIVE member of an auditor group now: the whole log carries every request's
 * justification and parameters, so reading it is for the people the config names.
 */
export async function checkAuditor(deps: Pick<JitDeps, 'directory'>, actorEmail: string | undefined, auditorGroups: string[]): Promise<string> {
  const actor = normaliseEmail(actorEmail, 'the signed-in person');
  if (auditorGroups.length === 0 || !(await isEligibleApprover(deps, actor, auditorGroups))) {
    throw new PermissionError(
      'audit.not_auditor',
      auditorGroups.length === 0
        ? 'No auditor groups are configured, so the audit log can be read only with kubiya-jit audit on the host. An administrator can set console.auditor_groups.'
        : `The audit log can be read by active members of ${auditorGroups.join(', ')} only.`,
    );
  }
  return actor;
}

/** Filters over the audit log, as a person typed them. */
export interface AuditFilter {
  requestId?: string | undefined;
  type?: string | undefined;
  actor?: string | undefined;
  /** Free text matched against the event's data. */
  text?: string | undefined;
  /** Epoch ms: only events at or after it. */
  since?: number | undefined;
  limit?: number | undefined;
}

/** The audit events matching the filter, oldest first (at most `limit`, the newest ones), for an auditor. */
export async function searchAudit(deps: AuditDeps, input: AuditFilter & { actorEmail: string | undefined; auditorGroups: string[] }): Promise<AuditEvent[]> {
  await checkAuditor(deps, input.actorEmail, input.auditorGroups);
  const requestId = input.requestId?.trim();
  if (requestId && !/^[A-Za-z0-9_-]{1,64}$/.test(requestId)) {
    throw new ValidationError('audit.invalid_request_id', `"${requestId.slice(0, 40)}" is not a request id: ids are letters, digits, _ and -.`);
  }
  const type = input.type?.trim();
  const actor = input.actor?.trim().toLowerCase();
  const text = input.text?.trim().toLowerCase().slice(0, 200);
  const events = await deps.store.auditEvents(requestId ? { requestId } : {});
  const matching = events.filter(
    (e) =>
      (!type || e.type === type) &&
      (!actor || e.actor.toLowerCase() === actor) &&
      (input.since === undefined || e.at >= input.since) &&
      (!text || JSON.stringify(e.data).toLowerCase().includes(text) || (e.requestId ?? '').toLowerCase().includes(text)),
  );
  const limit = Math.min(Math.max(input.limit ?? 200, 1), 5000);
  return matching.slice(-limit);
}

/** The whole audit log, in order, for an auditor (what `kubiya-jit audit export` writes). */
export async function exportAudit(deps: AuditDeps, input: { actorEmail: string | undefined; auditorGroups: string[] }): Promise<AuditEvent[]> {
  await checkAuditor(deps, input.actorEmail, input.auditorGroups);
  return deps.store.auditEvents();
}

/** What `audit verify` found. */
export type AuditVerdict =
  | { ok: true; events: number; headHash: string }
  | { ok: false; events: number; problem: string; seq?: number; requests?: (string | { request_id: string; fields: unknown })[] };

/**
 * Checks the hash chain (an edited, deleted or reordered event), that every stored request still has its
 * `request_created` event (a log cut back past a request's creation is still a valid, shorter chain), and that
 * each stored request says what its events say.
 */
export async function verifyAudit(deps: Pick<JitDeps, 'store'>): Promise<AuditVerdict> {
  const events = await deps.store.auditEvents();
  const verdict = verifyChain(events);
  if (!verdict.ok) return verdict;
  const created = new Set(events.filter((event) => event.type === 'request_created').map((event) => event.requestId));
  const requests = await deps.store.list({ limit: Number.MAX_SAFE_INTEGER });
  const missing = requests.filter((request) => !created.has(request.id)).map((request) => request.id);
  if (missing.length > 0) {
    const shown = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''}`;
    const problem = `${missing.length} stored request${missing.length > 1 ? 's have' : ' has'} no request_created event in the log (${shown}): events were deleted from its end`;
    return { ok: false, events: verdict.events, problem, requests: missing };
  }
  // The chain holds; the rows must say what it says (an edited expiry, wider parameters, another requester).
  const rows = await findRowProblems(deps.store, events);
  if (rows.length > 0) {
    const problem = `${rows.length} stored request${rows.length > 1 ? 's disagree' : ' disagrees'} with the audit log: ${rows.slice(0, 5).map((r) => escapeUnsafe(r.problem)).join('; ')}${rows.length > 5 ? `; and ${rows.length - 5} more` : ''}`;
    return { ok: false, events: verdict.events, problem, requests: rows.map((r) => ({ request_id: r.requestId, fields: r.mismatches })) };
  }
  return { ok: true, events: verdict.events, headHash: verdict.headHash };
}
