import { isJitError } from '../errors.js';
import type { JitDeps } from './deps.js';

/** Longest wait between attempts at a failing follow-up. */
const MAX_RETRY_MS = 3_600_000;

/**
 * Runs the provider follow-ups that are due (removing a role's session deny once no session it targets can
 * still be alive), at most `limit`. A provider that says more is left for later has its follow-up moved to
 * that time; one that fails is retried with backoff, never dropped. Never throws: a sweep calls it after
 * its removals, and nothing here may stop them. Providers load only when something is due.
 */
export async function runDueFollowUps(deps: JitDeps, now: number, limit = 20): Promise<{ done: string[]; failed: string[] }> {
  const report = { done: [] as string[], failed: [] as string[] };
  let due;
  try {
    due = await deps.store.dueFollowUps(now, limit);
  } catch (err) {
    deps.log.error('reading due follow-ups failed', { error: String(err) });
    return report;
  }
  for (const followUp of due) {
    try {
      const provider = await deps.providers.get(followUp.provider);
      const next = provider.followUp ? await provider.followUp(followUp.data, now) : undefined;
      if (next !== undefined) await deps.store.scheduleFollowUp({ ...followUp, dueAt: next, attempts: 0 });
      else await deps.store.completeFollowUp(followUp.key);
      report.done.push(followUp.key);
    } catch (err) {
      const attempts = followUp.attempts + 1;
      deps.log.error('a provider follow-up failed; will retry', { key: followUp.key, attempts, error: isJitError(err) ? err.message : String(err) });
      report.failed.push(followUp.key);
      await deps.store
        .scheduleFollowUp({ ...followUp, attempts, dueAt: now + Math.min(30_000 * 2 ** (attempts - 1), MAX_RETRY_MS) })
        .catch((storeErr: unknown) => deps.log.error('rescheduling a follow-up failed', { key: followUp.key, error: String(storeErr) }));
    }
  }
  return report;
}

/**
 * The instant the earliest follow-up falls due (possibly past), or undefined when none is scheduled, so the
 * worker sleeps until then rather than polling. A store that cannot answer gives undefined (logged): the
 * worker's idle cap still brings it back.
 */
export async function nextFollowUpAt(deps: Pick<JitDeps, 'store' | 'log'>): Promise<number | undefined> {
  try {
    // dueFollowUps is ordered by due time: the first row of "due by the end of time" is the earliest.
    return (await deps.store.dueFollowUps(Number.MAX_SAFE_INTEGER, 1))[0]?.dueAt;
  } catch (err) {
    deps.log.error('reading the next follow-up failed', { error: String(err) });
    return undefined;
  }
}
