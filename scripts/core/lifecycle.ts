import { ConflictError } from './errors.js';
import type { RequestStatus } from './types.js';

/** The actions that move a request, one name per arrow of the lifecycle diagram. */
export type Action =
  | 'approve'
  | 'record_approval'
  | 'reject'
  | 'cancel'
  | 'time_out'
  | 'grant_succeeded'
  | 'grant_failed'
  | 'begin_end'
  | 'retry_end'
  | 'end_completed'
  | 'notify_failed'
  | 'annotate';

/**
 * The one transition table: for each action, the states it may start from and the state it leads to.
 * `end_completed` leads to `access_expired` or `revoked` depending on the request's `endKind`, so its
 * target is resolved by {@link nextStatus}.
 */
export const TRANSITIONS: Record<Action, { from: readonly RequestStatus[]; to: RequestStatus | 'by_end_kind' | 'same' }> = {
  approve: { from: ['approval_pending'], to: 'granting' },
  // An approval that leaves others still needed (another owning group, a second approver): the request waits on.
  record_approval: { from: ['approval_pending'], to: 'same' },
  reject: { from: ['approval_pending'], to: 'access_denied' },
  cancel: { from: ['approval_pending'], to: 'cancelled' },
  time_out: { from: ['approval_pending'], to: 'timed_out' },
  grant_succeeded: { from: ['granting'], to: 'access_granted' },
  grant_failed: { from: ['granting'], to: 'failed' },
  begin_end: { from: ['access_granted'], to: 'ending' },
  retry_end: { from: ['ending'], to: 'ending' },
  end_completed: { from: ['ending'], to: 'by_end_kind' },
  // The approvers' message could not be posted: nobody can see the request, so it must not sit pending.
  notify_failed: { from: ['approval_pending'], to: 'failed' },
  // Records a fact (the Slack message id, the warning sent) without moving the request.
  annotate: { from: ['approval_pending', 'granting', 'access_granted', 'ending'], to: 'same' },
};

/** States from which nothing more happens. */
export const FINAL_STATUSES: readonly RequestStatus[] = [
  'access_denied',
  'cancelled',
  'timed_out',
  'failed',
  'access_expired',
  'revoked',
];

/** States in which access exists (or may exist) at the target. */
export const ACTIVE_STATUSES: readonly RequestStatus[] = ['granting', 'access_granted', 'ending'];

/** True when `action` is allowed from `status`. */
export function canTransition(status: RequestStatus, action: Action): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/**
 * The state `action` leads to from `status`, or a {@link ConflictError} saying why the request cannot move.
 * `endKind` resolves the target of `end_completed`.
 */
export function nextStatus(status: RequestStatus, action: Action, endKind?: 'expire' | 'revoke'): RequestStatus {
  if (!canTransition(status, action)) {
    throw new ConflictError('request.invalid_transition', `The request is ${describeStatus(status)}, so it cannot be ${ACTION_PAST[action]}.`, {
      status,
      action,
    });
  }
  const to = TRANSITIONS[action].to;
  if (to === 'same') return status;
  if (to === 'by_end_kind') return endKind === 'revoke' ? 'revoked' : 'access_expired';
  return to;
}

const ACTION_PAST: Record<Action, string> = {
  approve: 'approved',
  record_approval: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  time_out: 'timed out',
  grant_succeeded: 'marked granted',
  grant_failed: 'marked failed',
  begin_end: 'ended',
  retry_end: 'retried',
  end_completed: 'completed',
  notify_failed: 'marked failed',
  annotate: 'updated',
};

const STATUS_WORDS: Record<RequestStatus, string> = {
  approval_pending: 'waiting for approval',
  access_denied: 'already rejected',
  cancelled: 'cancelled',
  timed_out: 'timed out without a decision',
  granting: 'already approved and being granted',
  access_granted: 'already approved and active',
  failed: 'failed',
  ending: 'already ending',
  access_expired: 'already expired',
  revoked: 'already revoked',
};

/** A few words for a status, for messages to people: "already rejected". */
export function describeStatus(status: RequestStatus): string {
  return STATUS_WORDS[status];
}
