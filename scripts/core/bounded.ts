/**
 * Runs `work` on every item, at most `limit` at a time, and resolves once all have finished. `work` handles
 * its own failures: a fan-out (several removals, several notifications) collects them and goes on, so a
 * rejection here is a bug and is rethrown after the others finished.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item).catch((err: unknown) => (failure ??= err));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure !== undefined) throw failure;
}
