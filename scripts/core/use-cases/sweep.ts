import { ConfigError, isJitError, publicReason } from '../errors.js';
import { dueThresholds } from '../settings.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { completeEnd, notConfigured, recordFailedRemoval } from './end-access.js';
import { runDueFollowUps } from './follow-ups.js';
import { grantContext, removalTarget } from './grant-context.js';
import { announce } from './notify.js';
import { transition } from './transition.js';
import { approvePendingDenials } from './approve-pending-denials.js';
import { restoreTamperedRows } from './verify-row.js';

/** What one sweep did, request ids by outcome. */
export interface SweepReport {
  expired: string[];
  retrying: string[];
  timedOut: string[];
  warned: string[];
  reconciled: string[];
  /** Enforcer denials approved because an active grant covers them (their Enforcer request ids). */
  autoApproved: string[];
  errors: { requestId: string; message: string }[];
}

/** How long a freshly started end may run before a sweeper treats it as abandoned and retries it. */
const END_LEASE_MS = 60_000;

/**
 * Acts on every request whose time has come, at most `limit` of them: ends expired grants, retries failed
 * removals, times out stale approvals, warns before expiry, and cleans up grants a crashed run left half-made.
 * One request's failure is recorded and the sweep goes on. Unless `light` (the few due items a tool run
 * handles first), it also restores rows edited away from their audit trail before reading what is due, and
 * afterwards approves the Enforcer denials active grants cover.
 */
export async function sweepDue(deps: JitDeps, options: { limit: number; light?: boolean }): Promise<SweepReport> {
  const report: SweepReport = { expired: [], retrying: [], timedOut: [], warned: [], reconciled: [], autoApproved: [], errors: [] };
  // Rows are checked against their audit trail first, so an edited expiry cannot hide a grant from `due`.
  if (!options.light) await restoreTamperedRows(deps, report);
  const now = deps.clock.now();
  const due = await deps.store.due(now, dueThresholds(deps.policy), options.limit);
  for (const request of due) {
    try {
      await sweepOne(deps, request, now, report);
    } catch (err) {
      deps.log.error('sweeping a request failed', { requestId: request.id, error: String(err) });
      report.errors.push({ requestId: request.id, message: isJitError(err) ? err.message : 'internal error (see the operator log)' });
    }
  }
  await runDueFollowUps(deps, now);
  if (!options.light) report.autoApproved = (await approvePendingDenials(deps)).approved.map((a) => a.enforcerRequestId);
  return report;
}

async function sweepOne(deps: JitDeps, request: AccessRequest, now: number, report: SweepReport): Promise<void> {
  switch (request.status) {
    case 'approval_pending': {
      const timedOut = await transition(deps, request, 'time_out', { endedAt: now, endReason: 'no approver decided in time' }, [
        { type: 'request_timed_out', actor: 'kubiya-jit' },
      ]);
      if (timedOut) {
        report.timedOut.push(request.id);
        await announce(deps, timedOut, 'timed_out');
      }
      return;
    }
    case 'access_granted': {
      if ((request.expiresAt ?? 0) <= now) {
        const ending = await transition(deps, request, 'begin_end', { endKind: 'expire', nextAttemptAt: now + END_LEASE_MS }, [
          { type: 'expiry_started', actor: 'kubiya-jit' },
        ]);
        if (ending) await finishEnd(deps, ending, report);
        return;
      }
      const warned = await transition(deps, request, 'annotate', { warned: true }, [{ type: 'expiry_warning_sent', actor: 'kubiya-jit' }]);
      if (warned) {
        report.warned.push(request.id);
        await announce(deps, warned, 'expiring');
      }
      return;
    }
    case 'ending':
      await finishEnd(deps, request, report);
      return;
    case 'granting':
      await reconcileGranting(deps, request, now, report);
      return;
    default:
      return;
  }
}

async function finishEnd(deps: JitDeps, request: AccessRequest, report: SweepReport): Promise<void> {
  const result = await completeEnd(deps, request);
  if (result.status === 'ending') report.retrying.push(request.id);
  else report.expired.push(request.id);
}

/**
 * Undoes a grant that did not finish: its run died (past `granting_lease`) or its TTL ran out first. The row
 * is closed `failed` only once the provider's (idempotent) revoke succeeded; a failed revoke, or an entry that
 * left the config, is retried with backoff like any removal, so nothing is left granted unseen.
 */
async function reconcileGranting(deps: JitDeps, request: AccessRequest, now: number, report: SweepReport): Promise<void> {
  const target = removalTarget(request, deps.catalog);
  try {
    if (!target) throw new ConfigError(notConfigured(request));
    await (await deps.providers.get(target.provider)).revoke(grantContext(request, target));
  } catch (err) {
    if (!isJitError(err)) deps.log.error('removal failed unexpectedly', { requestId: request.id, error: String(err) });
    const retried = await recordFailedRemoval(deps, request, publicReason(err));
    if (retried.status === 'granting') report.retrying.push(request.id);
    return;
  }
  const endReason =
    (request.expiresAt ?? Infinity) <= now
      ? 'its TTL ended before the grant finished; the access was removed'
      : 'the run that was granting stopped before it finished; nothing was left granted';
  const failed = await transition(deps, request, 'grant_failed', { endedAt: now, endReason, nextAttemptAt: undefined, lastError: undefined }, [
    { type: 'grant_abandoned', actor: 'kubiya-jit' },
  ]);
  if (failed) {
    report.reconciled.push(request.id);
    await announce(deps, failed, 'failed');
  }
}
