import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** The `p`-quantile (0–1) of the values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Milliseconds one call takes. */
export async function timeMs(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/**
 * Median process wall time of each command, `runs` times after one warm-up each, alternating between them so
 * every command sees the same machine state. Each command must exit 0 (checked on the warm-up).
 */
export function processTimes(commands: Record<string, { args: string[]; env: NodeJS.ProcessEnv; expect?: string }>, runs: number): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const [name, command] of Object.entries(commands)) {
    const warm = spawnSync(process.execPath, command.args, { env: command.env, encoding: 'utf8' });
    if (warm.status !== 0 || (command.expect && !warm.stdout.includes(command.expect))) throw new Error(`${name} failed: ${warm.stdout}${warm.stderr}`);
    times[name] = [];
  }
  for (let i = 0; i < runs; i += 1) {
    for (const [name, command] of Object.entries(commands)) {
      const start = performance.now();
      spawnSync(process.execPath, command.args, { env: command.env });
      times[name]!.push(performance.now() - start);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, percentile(values, 0.5)]));
}
