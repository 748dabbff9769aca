import { isJitError } from '../errors.js';
import type { JitDeps } from './deps.js';
import { approveUnderGrant, findCoveringGrant } from './enforcer-auto-approval.js';

/** What one pass over the Enforcer's pending denials did. */
export interface PendingDenialsReport {
  /** Denials approved, with the grant that covers each. */
  approved: { enforcerRequestId: string; requestId: string }[];
  /** Denials no active grant covers: they need a request of their own. */
  uncovered: number;
}

/**
 * Approves every denial waiting at the Enforcer that an active grant covers, so a person who ran the tool
 * under an approved grant need not ask twice (the sweep and the worker call this after their removals). Asks
 * the Enforcer nothing when no Enforcer grant is active, and never fails the sweep: a failure is logged and
 * the next pass tries again.
 */
export async function approvePendingDenials(deps: JitDeps): Promise<PendingDenialsReport> {
  const report: PendingDenialsReport = { approved: [], uncovered: 0 };
  try {
    const active = await deps.store.list({ statuses: ['access_granted'], limit: 1 });
    if (active.length === 0 || !deps.catalog.list().some((entry) => entry.provider === 'enforcer')) return report;
    const provider = await deps.providers.get('enforcer');
    if (!provider.pendingDenials || !provider.approveDenial) return report;
    for (const denial of await provider.pendingDenials()) {
      const grant = await findCoveringGrant(deps, denial);
      if (!grant) {
        report.uncovered += 1;
        continue;
      }
      try {
        if (await approveUnderGrant(deps, provider, grant, denial.id, 'sweep')) report.approved.push({ enforcerRequestId: denial.id, requestId: grant.id });
      } catch (err) {
        deps.log.error('approving a covered Enforcer denial failed', { requestId: grant.id, enforcerRequestId: denial.id, error: isJitError(err) ? err.message : String(err) });
      }
    }
  } catch (err) {
    deps.log.error('listing the Enforcer\'s pending denials failed', { error: isJitError(err) ? err.message : String(err) });
  }
  return report;
}
