import { isJitError, publicReason } from '../errors.js';
import { retryHint } from '../retry-schedule.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { recordFailedRemoval, revokeGranted } from './end-access.js';
import type { SweepReport } from './sweep.js';
import { transition } from './transition.js';

/**
 * Whether a `granting` row needs the sweeper at `now`: its clean-up's retry is due, or (before any clean-up)
 * its run has been gone for the granting lease or its TTL ran out, whichever comes first. Mirrors the store's
 * due rule, checked again under the removal lease because the row may have moved since it was listed.
 */
export function isGrantingDue(request: AccessRequest, now: number, grantingLeaseMs: number): boolean {
  if (request.nextAttemptAt !== undefined) return request.nextAttemptAt <= now;
  return Math.min(request.updatedAt + grantingLeaseMs, request.expiresAt ?? Infinity) <= now;
}

/**
 * Undoes a grant that did not finish: its run died (past `granting_lease`) or its TTL ran out first. The row
 * is closed `failed` only once the provider's (idempotent) revoke succeeded; a failed revoke, or an entry that
 * left the config, is retried like any removal, so nothing is left granted unseen.
 */
export async function reconcileGranting(deps: JitDeps, request: AccessRequest, now: number, report: SweepReport): Promise<void> {
  try {
    await revokeGranted(deps, request);
  } catch (err) {
    if (!isJitError(err)) deps.log.error('removal failed unexpectedly', { requestId: request.id, error: String(err) });
    const retried = await recordFailedRemoval(deps, request, publicReason(err), retryHint(err));
    if (retried.status === 'granting') report.retrying.push(request.id);
    return;
  }
  const endReason =
    (request.expiresAt ?? Infinity) <= now
      ? 'its TTL ended before the grant finished; the access was removed'
      : 'the run that was granting stopped before it finished; nothing was left granted';
  const failed = await transition(
    deps,
    request,
    'grant_failed',
    { endedAt: now, endReason, nextAttemptAt: undefined, lastError: undefined, failingSince: undefined },
    [{ type: 'grant_abandoned', actor: 'kubiya-jit' }],
    { approvers: true, requester: 'failed' },
  );
  if (failed) report.reconciled.push(request.id);
}
