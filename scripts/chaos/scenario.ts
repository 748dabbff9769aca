import type { ChaosWorld } from './chaos-world.js';

/** What one scenario measured: the figure that decides, its aim, and anything else worth printing. */
export interface ChaosResult {
  /** The measured figure, in milliseconds (the worst overshoot, the resume time, …). */
  measuredMs: number;
  /** The aim the figure must meet, in milliseconds. */
  aimMs: number;
  /** Further figures, printed as they are ("overshoots: 1.2 s, 0.9 s, …"). */
  details: string[];
}

/**
 * One chaos scenario: a fault of the issue, at full size, against a fresh {@link ChaosWorld}. To add one,
 * write a file in scripts/chaos/scenarios/ exporting a ChaosScenario and add it to the list in registry.ts.
 */
export interface ChaosScenario {
  /** Short name, for `npm run chaos -- --only <name>`. */
  name: string;
  /** What is done, in a line. */
  title: string;
  /** The aim, in words ("overshoot ≤ outage + 15 s"). */
  aim: string;
  /** The config's `expiry` section for this world, if it differs from the defaults. */
  expiry?: Record<string, unknown>;
  run(world: ChaosWorld): Promise<ChaosResult>;
}

/** Milliseconds as seconds with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
