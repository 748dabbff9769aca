import { ownerOf, type JitDeps } from './deps.js';

/** What {@link withRemovalLease} gives back: nothing when another process holds the removal. */
export type Leased<T> = { claimed: false } | { claimed: true; value: T };

/**
 * Runs `work` (a removal of request `id`'s access) under the request's removal lease: taken first, so two
 * processes never run one removal at once; renewed every third of its length while `work` runs, so a long
 * removal keeps it; released at the end. If this process dies, the lease lapses within
 * `expiry.removal_lease` (10 s by default) and the next sweep anywhere takes the removal over. The lease lives
 * beside the request, not in it: renewing it never changes the request's version, so it cannot break the
 * compare-and-swap of the removal's own transitions.
 */
export async function withRemovalLease<T>(deps: JitDeps, id: string, work: () => Promise<T>): Promise<Leased<T>> {
  const owner = ownerOf(deps);
  const leaseMs = deps.policy.removalLeaseSeconds * 1000;
  const now = deps.clock.now();
  if (!(await deps.store.claimLease(id, owner, now, now + leaseMs))) return { claimed: false };
  let warned = false;
  const heartbeat = setInterval(() => {
    void deps.store.renewLease(id, owner, deps.clock.now() + leaseMs).then(
      (held) => {
        // Lost only after this process stalled for a whole lease; the other owner's removal is idempotent
        // and the compare-and-swap lets exactly one of us complete the end.
        if (!held && !warned) deps.log.warn('removal lease lost to another process', { requestId: id, owner });
        warned ||= !held;
      },
      (err: unknown) => deps.log.warn('renewing a removal lease failed', { requestId: id, error: String(err) }),
    );
  }, Math.max(200, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  try {
    return { claimed: true, value: await work() };
  } finally {
    clearInterval(heartbeat);
    await deps.store.releaseLease(id, owner).catch((err: unknown) => deps.log.warn('releasing a removal lease failed', { requestId: id, error: String(err) }));
  }
}
