/**
 * The audit event types analytics reads. `request_refused` and `reconcile_reported` are written for analytics'
 * sake: a refused request leaves no request row, and a reconcile run that removes nothing left no trace.
 * `approval_recorded` is one approver's part of a decision that needs several (each counts as an approval
 * that person gave).
 */
export const ANALYTICS_EVENT_TYPES = [
  'decision_refused',
  'request_refused',
  'approval_recorded',
  'grant_failed',
  'grant_abandoned',
  'revocation_failed',
  'reconcile_reported',
  'leftover_removed',
] as const;

/**
 * `request_approved` events are read only when they record the TTL the request asked for (the approver gave
 * another): the decision itself is on the request's row, so the other 99 in 100 would be read for nothing.
 */
export const ASKED_TTL = { type: 'request_approved', dataKey: 'requested_ttl_seconds' } as const;

/** How far before the window events are read: an approval that led to a grant in the window came before it. */
export const EVENT_LOOKBACK_MS = 24 * 3600_000;
