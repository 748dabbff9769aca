/**
 * The audit event types analytics reads. `request_refused` and `reconcile_reported` are written for analytics'
 * sake: a refused request leaves no request row, and a reconcile run that removes nothing left no trace.
 */
export const ANALYTICS_EVENT_TYPES = [
  'decision_refused',
  'request_refused',
  'request_approved',
  'grant_failed',
  'grant_abandoned',
  'revocation_failed',
  'reconcile_reported',
  'leftover_removed',
] as const;

/** How far before the window events are read: an approval that led to a grant in the window came before it. */
export const EVENT_LOOKBACK_MS = 24 * 3600_000;
