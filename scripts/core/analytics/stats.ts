import type { Bin, Count, Distribution } from './analytics-types.js';

/**
 * The nearest-rank percentile of `sorted` (ascending): the smallest value with at least `p` of the values at
 * or below it. Undefined for an empty list. Nearest rank always returns a value that occurred.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** p50, p90 and maximum of durations given in milliseconds, reported in whole seconds. */
export function distribution(durationsMs: readonly number[]): Distribution {
  // A typed array sorts numbers natively, several times faster than a comparator over 100,000 of them.
  const sorted = Float64Array.from(durationsMs).sort();
  const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 1000));
  return {
    count: sorted.length,
    p50Seconds: seconds(percentile(sorted, 0.5)),
    p90Seconds: seconds(percentile(sorted, 0.9)),
    maxSeconds: seconds(sorted[sorted.length - 1]),
  };
}

/** Counts durations (milliseconds) into bins whose edges are given in seconds; the last bin is open. */
export function histogram(durationsMs: readonly number[], edges: readonly { label: string; from: number }[]): Bin[] {
  const bins: Bin[] = edges.map((edge, i) => ({ label: edge.label, fromSeconds: edge.from, toSeconds: edges[i + 1]?.from ?? null, count: 0 }));
  for (const ms of durationsMs) {
    const seconds = ms / 1000;
    for (let i = bins.length - 1; i >= 0; i -= 1) {
      if (seconds >= bins[i]!.fromSeconds) {
        bins[i]!.count += 1;
        break;
      }
    }
  }
  return bins;
}

/** Counts keys, most frequent first (ties by name), at most `limit` of them. */
export function topCounts(keys: Iterable<string>, limit = Infinity): Count[] {
  const counts = new Counter();
  for (const key of keys) counts.add(key);
  return counts.top(limit);
}

/** Counts keys one at a time, for figures computed in a single pass. */
export class Counter {
  private readonly counts = new Map<string, number>();

  /** Counts one more `key`. */
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** How many times `key` was counted. */
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** The keys, most frequent first (ties by name), at most `limit` of them. */
  top(limit = Infinity): Count[] {
    return [...this.counts]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit);
  }
}

/** Whether `at` falls in the half-open window `[from, to)`. */
export function inWindow(at: number | undefined, window: { from: number; to: number }): at is number {
  return at !== undefined && at >= window.from && at < window.to;
}

/** Rounds to two decimals, for hours and shares. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
