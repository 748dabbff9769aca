/**
 * One line of mrkdwn that says where a request stands (outcome, by whom, when, until when, why), shown on
 * the approvers' message as soon as the request leaves `approval_pending`.
 */
import { lingeringApprovalNotice } from '../../core/enforcer-lingering.js';
import { approvalProgress } from '../../core/approval-progress.js';
import type { AccessRequest } from '../../core/types.js';
import { isoUtc, mrkdwn, truncate } from './mrkdwn.js';

const REASON_MAX = 1000;

/** Renders the request's current state as escaped mrkdwn. */
export function describeStatus(request: AccessRequest): string {
  const decided = `${who(request.decidedBy)} at ${when(request.decidedAt ?? request.updatedAt)}`;
  const ended = when(request.endedAt ?? request.updatedAt);
  switch (request.status) {
    case 'approval_pending':
      return pendingText(request);
    case 'granting':
      return `:gear: *Approved* by ${decided}. Granting access now…`;
    case 'access_granted':
      return request.preview.recordOnly
        ? `:white_check_mark: *Approved* by ${decided}, recorded until *${untilText(request)}*. Nothing is enforced: enforcer.type is none, so no allow was written.`
        : `:white_check_mark: *Approved* by ${decided}. Access granted until *${untilText(request)}*.`;
    case 'access_denied':
      return `:no_entry: *Rejected* by ${decided}.${reason(request)}`;
    case 'cancelled':
      return `:wastebasket: *Cancelled* by ${who(request.endedBy ?? request.requestedBy)} at ${ended}.${reason(request)}`;
    case 'timed_out':
      return `:alarm_clock: *Timed out* at ${ended}: no approver decided in time. Nothing was granted.`;
    case 'failed':
      return `:x: *Failed*: approved by ${decided}, but granting the access failed.${reason(request)}`;
    case 'ending':
      return request.endKind === 'revoke'
        ? `:lock: *Revoking* (asked by ${who(request.endedBy)}): the access is being removed.${reason(request)}`
        : `:hourglass: *Expiring*: the access reached its end (${untilText(request)}) and is being removed.`;
    case 'access_expired':
      return `:checkered_flag: *Expired* at ${ended}; the access approved by ${who(request.decidedBy)} has been removed.`;
    case 'revoked':
      return `:lock: *Revoked* by ${who(request.endedBy)} at ${ended}.${reason(request)}${lingering(request)}`;
  }
}

/**
 * While pending: one approver decides, or, when several approvals are needed (one per owning group, or
 * `approvals.required` people), one line per requirement saying who approved and what is still missing.
 */
function pendingText(request: AccessRequest): string {
  const states = approvalProgress(request);
  if (states.length === 1 && states[0]!.requirement.required === 1) {
    return ':hourglass_flowing_sand: *Waiting for a decision* from one of the approvers.';
  }
  const lines = states.map((state) => {
    const who = state.approvals.map((a) => mrkdwn(a.approver, 254)).join(', ');
    const label = mrkdwn(state.requirement.label, 200);
    const targets = state.requirement.targets?.length ? ` (${mrkdwn(state.requirement.targets.join(', '), 300)})` : '';
    if (state.met) return `:white_check_mark: *${label}*${targets}: approved by ${who}`;
    const count = state.requirement.required > 1 ? ` ${state.approvals.length} of ${state.requirement.required}` : '';
    return `:hourglass_flowing_sand: *${label}*${targets}: waiting${count}${who ? ` (approved so far by ${who})` : ''}`;
  });
  // Bounded: a section's text is at most 3,000 characters whatever the number of groups.
  return truncate(`*Waiting for approvals* (every line must be approved; one rejection rejects the request)\n${lines.join('\n')}`, 2900);
}

/** A short plain phrase for notifications: "approved by a@x until 2026-…Z". */
export function statusPhrase(request: AccessRequest): string {
  switch (request.status) {
    case 'approval_pending': {
      const open = approvalProgress(request).filter((state) => !state.met);
      return request.approvals?.length ? `waiting for ${open.map((state) => state.requirement.label).join(', ')}` : 'waiting for a decision';
    }
    case 'granting':
    case 'access_granted':
      return `approved by ${request.decidedBy ?? 'an approver'}`;
    case 'access_denied':
      return `rejected by ${request.decidedBy ?? 'an approver'}`;
    case 'ending':
      return 'access ending';
    case 'access_expired':
      return 'access expired';
    default:
      return request.status.replace(/_/g, ' ');
  }
}

function untilText(request: AccessRequest): string {
  return request.expiresAt !== undefined ? `${isoUtc(request.expiresAt)}` : 'the end of its TTL';
}

function who(person: string | undefined): string {
  return person ? `*${mrkdwn(person, 254)}*` : 'an unknown person';
}

function when(ms: number): string {
  return isoUtc(ms);
}

function lingering(request: AccessRequest): string {
  const notice = lingeringApprovalNotice(request);
  return notice ? `\n:warning: ${mrkdwn(notice, 600)}` : '';
}

function reason(request: AccessRequest): string {
  // Only endReason, which the core writes for people; lastError is operator detail and may quote a vendor.
  const text = request.endReason;
  return text ? `\n*Reason:* ${mrkdwn(text, REASON_MAX)}` : '';
}
