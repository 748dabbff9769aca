import { isJitError } from '../errors.js';
import { ownerOf, type JitDeps } from './deps.js';

/** Longest wait between attempts at a failing follow-up. */
const MAX_RETRY_MS = 3_600_000;
/**
 * How long a claim on a follow-up keeps other processes off it. A run waits at most the target's lock
 * (`aws.locks.wait_ms`, 2 min) and its own calls; if its process dies, the follow-up (removing a deny that has
 * already stopped applying by itself) waits this long, which costs nothing but tidiness.
 */
export const FOLLOW_UP_CLAIM_MS = 5 * 60_000;

/**
 * Runs the provider follow-ups that are due (removing a role's session deny once no session it targets can
 * still be alive), at most `limit`, each claimed first so that two workers never run one at once. A provider
 * that says more is left for later has its follow-up moved to that time; one that fails is retried with
 * backoff, never dropped. The outcome is recorded only while this process still holds the claim: a follow-up
 * scheduled again meanwhile keeps its newer schedule. Never throws: a sweep calls it after its removals, and
 * nothing here may stop them. Providers load only when something is due.
 */
export async function runDueFollowUps(deps: JitDeps, now: number, limit = 20): Promise<{ done: string[]; failed: string[] }> {
  const report = { done: [] as string[], failed: [] as string[] };
  const owner = ownerOf(deps);
  const seen = new Set<string>();
  // One claim at a time, so each claim's clock starts when its work does.
  while (seen.size < limit) {
    let followUp;
    try {
      [followUp] = await deps.store.claimFollowUps(now, owner, deps.clock.now() + FOLLOW_UP_CLAIM_MS, 1);
    } catch (err) {
      deps.log.error('claiming due follow-ups failed', { error: String(err) });
      break;
    }
    // A follow-up this run already did and that falls due again at once waits for the next run.
    if (!followUp || seen.has(followUp.key)) {
      if (followUp) await settle(deps, followUp.key, owner, { dueAt: followUp.dueAt, attempts: followUp.attempts });
      break;
    }
    seen.add(followUp.key);
    try {
      const provider = await deps.providers.get(followUp.provider);
      const next = provider.followUp ? await provider.followUp(followUp.data, now) : undefined;
      await settle(deps, followUp.key, owner, next === undefined ? undefined : { dueAt: next, attempts: 0 });
      report.done.push(followUp.key);
    } catch (err) {
      const attempts = followUp.attempts + 1;
      deps.log.error('a provider follow-up failed; will retry', { key: followUp.key, attempts, error: isJitError(err) ? err.message : String(err) });
      report.failed.push(followUp.key);
      await settle(deps, followUp.key, owner, { dueAt: now + Math.min(30_000 * 2 ** (attempts - 1), MAX_RETRY_MS), attempts });
    }
  }
  return report;
}

async function settle(deps: JitDeps, key: string, owner: string, next: { dueAt: number; attempts: number } | undefined): Promise<void> {
  try {
    if (!(await deps.store.settleFollowUp(key, owner, next))) deps.log.info('a follow-up was scheduled again or taken over meanwhile; its newer state stands', { key, owner });
  } catch (err) {
    deps.log.error('recording a follow-up failed', { key, error: String(err) });
  }
}

/**
 * The instant the earliest follow-up can be claimed (possibly past; one another process holds counts from the
 * end of its claim), or undefined when none is scheduled, so the worker sleeps until then rather than polling.
 * A store that cannot answer gives undefined (logged): the worker's idle cap still brings it back.
 */
export async function nextFollowUpAt(deps: Pick<JitDeps, 'store' | 'log'>): Promise<number | undefined> {
  try {
    return await deps.store.nextFollowUpAt();
  } catch (err) {
    deps.log.error('reading the next follow-up failed', { error: String(err) });
    return undefined;
  }
}
