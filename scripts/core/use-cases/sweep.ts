import { forEachBounded } from '../bounded.js';
import { isJitError } from '../errors.js';
import { dueThresholds } from '../settings.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { completeEnd } from './end-access.js';
import { runDueFollowUps } from './follow-ups.js';
import { withRemovalLease } from './removal-lease.js';
import { isGrantingDue, reconcileGranting } from './sweep-granting.js';
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

/** An empty report. */
export function emptySweepReport(): SweepReport {
  return { expired: [], retrying: [], timedOut: [], warned: [], reconciled: [], autoApproved: [], errors: [] };
}

/** Options of {@link sweepDue}. */
export interface SweepOptions {
  limit: number;
  /** Removals at once; default `expiry.concurrency`. */
  concurrency?: number;
  /** The few due items a tool run handles first: no row check, no Enforcer denials. */
  light?: boolean;
  /** Checked before each request: once true, the sweep starts nothing new (graceful shutdown). */
  shouldStop?: () => boolean;
}

let sweeps = 0;

/**
 * Acts on every request whose time has come, at most `limit` of them: ends expired grants, retries failed
 * removals, times out stale approvals, warns before expiry, and cleans up grants a crashed run left half-made.
 * Removals run concurrently (`expiry.concurrency` at a time, or `options.concurrency`), so one slow target
 * delays nobody else; none of them waits for Slack, whose messages go to the outbox. One request's failure is
 * recorded and the sweep goes on. Unless `light` (the few due items a tool run handles first), it also
 * restores rows edited away from their audit trail before reading what is due, and afterwards approves the
 * Enforcer denials active grants cover. The requests are claimed first, so sweepers running at once (several
 * workers, schedules, tool runs, on any host sharing the store) share the work instead of racing for it.
 */
export async function sweepDue(deps: JitDeps, options: SweepOptions): Promise<SweepReport> {
  const report = emptySweepReport();
  // Rows are checked against their audit trail first, so an edited expiry cannot hide a grant from `due`.
  if (!options.light) await restoreTamperedRows(deps, report);
  const now = deps.clock.now();
  // Unique per sweep: claims are given back at the end of the sweep that took them.
  const owner = `${deps.newId()}-${(sweeps += 1)}`;
  const due = await deps.store.claimDue(now, dueThresholds(deps.policy), options.limit, { owner, until: now + deps.policy.removalLeaseSeconds * 1000 });
  try {
    await forEachBounded(due, options.concurrency ?? deps.policy.removalConcurrency, async (request) => {
      if (!options.shouldStop?.()) await sweepRequest(deps, request, report);
    });
  } finally {
    // What this sweep claimed but did not write (it stopped early, or a row needed nothing) is free again now.
    await deps.store.releaseClaims(owner).catch((err: unknown) => deps.log.warn('releasing claims failed', { error: String(err) }));
  }
  if (options.shouldStop?.()) return report;
  // The providers' follow-ups (a session deny to lift) come after the removals, never before them.
  await runDueFollowUps(deps, deps.clock.now());
  if (!options.light) report.autoApproved = (await approvePendingDenials(deps)).approved.map((a) => a.enforcerRequestId);
  return report;
}

/** Acts on one due request and records the outcome in `report`; never throws. */
export async function sweepRequest(deps: JitDeps, request: AccessRequest, report: SweepReport): Promise<void> {
  try {
    await sweepOne(deps, request, report);
  } catch (err) {
    deps.log.error('sweeping a request failed', { requestId: request.id, error: String(err) });
    report.errors.push({ requestId: request.id, message: isJitError(err) ? err.message : 'internal error (see the operator log)' });
  }
}

async function sweepOne(deps: JitDeps, request: AccessRequest, report: SweepReport): Promise<void> {
  const now = deps.clock.now();
  switch (request.status) {
    case 'approval_pending': {
      const timedOut = await transition(deps, request, 'time_out', { endedAt: now, endReason: 'no approver decided in time' }, [{ type: 'request_timed_out', actor: 'kubiya-jit' }], {
        approvers: true,
        requester: 'timed_out',
      });
      if (timedOut) report.timedOut.push(request.id);
      return;
    }
    case 'access_granted': {
      if ((request.expiresAt ?? 0) <= now) return removeUnderLease(deps, request.id, report);
      const warned = await transition(deps, request, 'annotate', { warned: true }, [{ type: 'expiry_warning_sent', actor: 'kubiya-jit' }], {
        approvers: true,
        requester: 'expiring',
      });
      if (warned) report.warned.push(request.id);
      return;
    }
    case 'ending':
    case 'granting':
      return removeUnderLease(deps, request.id, report);
    default:
      return;
  }
}

/**
 * Takes the request's removal lease, re-reads it (another process may have finished it meanwhile), and ends
 * it if it is still due: an expired grant is moved to `ending` and removed; an `ending` one is retried; an
 * abandoned `granting` one is cleaned up. A lease held by another live process means it is being done: skip.
 */
async function removeUnderLease(deps: JitDeps, id: string, report: SweepReport): Promise<void> {
  await withRemovalLease(deps, id, async () => {
    const request = await deps.store.get(id);
    const now = deps.clock.now();
    if (!request) return;
    if (request.status === 'access_granted' && (request.expiresAt ?? Infinity) <= now) {
      const ending = await transition(deps, request, 'begin_end', { endKind: 'expire', nextAttemptAt: undefined }, [{ type: 'expiry_started', actor: 'kubiya-jit' }]);
      if (ending) await finishEnd(deps, ending, report);
    } else if (request.status === 'ending' && (request.nextAttemptAt ?? 0) <= now) {
      await finishEnd(deps, request, report);
    } else if (request.status === 'granting' && isGrantingDue(request, now, deps.policy.grantingLeaseSeconds * 1000)) {
      await reconcileGranting(deps, request, now, report);
    }
  });
}

async function finishEnd(deps: JitDeps, request: AccessRequest, report: SweepReport): Promise<void> {
  const result = await completeEnd(deps, request);
  if (result.status === 'ending') report.retrying.push(request.id);
  else report.expired.push(request.id);
}
