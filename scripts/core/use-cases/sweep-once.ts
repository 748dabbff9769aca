import type { AccessRequest } from '../types.js';
import { reportConfigProblems } from './config-problems.js';
import type { JitDeps } from './deps.js';
import { deliverOutbox, type DeliveryReport } from './deliver-outbox.js';
import { sweepDue, type SweepReport } from './sweep.js';

/** A removal that has failed and is being retried, whether or not this sweep tried it. */
export interface FailingRemoval {
  requestId: string;
  toolName: string;
  status: AccessRequest['status'];
  attempts: number;
  nextAttemptAt?: number;
  lastError: string;
}

/** Everything one full sweep did and found. */
export interface FullSweepReport extends SweepReport {
  /** Every removal still failing after this sweep: non-empty means access may still exist that should not. */
  failing: FailingRemoval[];
  /** Config errors the sweep ended grants despite. */
  configProblems: string[];
  notifications: DeliveryReport;
}

/**
 * One full sweep, as `kubiya-jit sweep` and `sweep_expired_access` run it: due removals first (concurrently,
 * never waiting on Slack), config problems reported, then the notifications those removals (and earlier
 * failures) left in the outbox, then every removal still failing, so the run can exit non-zero and name them.
 */
export async function sweepOnce(deps: JitDeps, options: { limit: number; configProblems?: readonly string[] }): Promise<FullSweepReport> {
  const report = await sweepDue(deps, { limit: options.limit });
  const configProblems = [...(options.configProblems ?? [])];
  await reportConfigProblems(deps, configProblems);
  const notifications = await deliverOutbox(deps, { limit: options.limit });
  return { ...report, failing: await failingRemovals(deps), configProblems, notifications };
}

/** Every request whose removal has failed and is retrying (`ending`, or a `granting` clean-up), oldest first. */
export async function failingRemovals(deps: Pick<JitDeps, 'store'>): Promise<FailingRemoval[]> {
  const open = await deps.store.list({ statuses: ['ending', 'granting'], limit: 10_000 });
  return open
    .filter((r) => r.lastError !== undefined)
    .reverse()
    .map((r) => ({
      requestId: r.id,
      toolName: r.toolName,
      status: r.status,
      attempts: r.endAttempts,
      ...(r.nextAttemptAt !== undefined ? { nextAttemptAt: r.nextAttemptAt } : {}),
      lastError: r.lastError!,
    }));
}
