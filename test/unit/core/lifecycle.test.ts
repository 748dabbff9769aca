import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../scripts/core/errors.js';
import { canTransition, nextStatus, TRANSITIONS, type Action } from '../../../scripts/core/lifecycle.js';
import type { RequestStatus } from '../../../scripts/core/types.js';

const ALL_STATUSES: RequestStatus[] = [
  'approval_pending', 'access_denied', 'cancelled', 'timed_out', 'granting', 'access_granted', 'failed', 'ending', 'access_expired', 'revoked',
];

// The lifecycle of DESIGN.md, written out independently of the table under test.
const EXPECTED: Record<Action, Partial<Record<RequestStatus, RequestStatus>>> = {
  approve: { approval_pending: 'granting' },
  record_approval: { approval_pending: 'approval_pending' },
  reject: { approval_pending: 'access_denied' },
  cancel: { approval_pending: 'cancelled' },
  time_out: { approval_pending: 'timed_out' },
  notify_failed: { approval_pending: 'failed' },
  grant_succeeded: { granting: 'access_granted' },
  grant_failed: { granting: 'failed' },
  begin_end: { access_granted: 'ending' },
  retry_end: { ending: 'ending' },
  end_completed: { ending: 'access_expired' },
  annotate: { approval_pending: 'approval_pending', granting: 'granting', access_granted: 'access_granted', ending: 'ending' },
};

describe('the transition table', () => {
  const cases = (Object.keys(TRANSITIONS) as Action[]).flatMap((action) => ALL_STATUSES.map((status) => [action, status] as const));

  it.each(cases)('%s from %s is allowed exactly when the lifecycle says so', (action, status) => {
    const expected = EXPECTED[action][status];
    if (expected) {
      expect(canTransition(status, action)).toBe(true);
      expect(nextStatus(status, action, 'expire')).toBe(expected);
    } else {
      expect(canTransition(status, action)).toBe(false);
      expect(() => nextStatus(status, action)).toThrow(ConflictError);
    }
  });

  it('ends as revoked or expired by the end kind', () => {
    expect(nextStatus('ending', 'end_completed', 'revoke')).toBe('revoked');
    expect(nextStatus('ending', 'end_completed', 'expire')).toBe('access_expired');
  });

  it('lets nothing leave a final state', () => {
    for (const status of ['access_denied', 'cancelled', 'timed_out', 'failed', 'access_expired', 'revoked'] as const) {
      for (const action of Object.keys(TRANSITIONS) as Action[]) expect(canTransition(status, action)).toBe(false);
    }
  });

  it('explains a refused move in words', () => {
    expect(() => nextStatus('access_denied', 'approve')).toThrow(/already rejected, so it cannot be approved/);
  });
});
