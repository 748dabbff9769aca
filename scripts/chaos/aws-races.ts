/**
 * Runs the AWS race scenarios (all, or those named) against moto through the fault proxy, in one shared world
 * reset between scenarios, and prints each one's aim, outcome and figures. Returns how many failed their aim.
 * Used by `npm run chaos:aws` on its own and by `npm run chaos` after the expiry scenarios.
 */
import { AwsChaosWorld } from './aws-chaos-world.js';
import { AWS_RACE_SCENARIOS } from './aws-race-scenarios.js';

/** The race scenarios' names. */
export const AWS_RACE_NAMES: readonly string[] = AWS_RACE_SCENARIOS.map((s) => s.name);

export async function runAwsRaces(names: readonly string[] = []): Promise<number> {
  const chosen = names.length ? AWS_RACE_SCENARIOS.filter((s) => names.includes(s.name)) : AWS_RACE_SCENARIOS;
  const world = await AwsChaosWorld.start();
  let failed = 0;
  try {
    for (const scenario of chosen) {
      await world.reset();
      const started = Date.now();
      const result = await scenario.run(world).catch((err: unknown) => ({ ok: false, detail: String(err), figures: {} as Record<string, number> }));
      if (!result.ok) failed += 1;
      const figures = Object.entries({ ...result.figures, total_ms: Date.now() - started }).map(([k, v]) => `${k}=${v}`).join(' ');
      process.stdout.write(`${result.ok ? 'PASS' : 'FAIL'} ${scenario.name}: ${result.detail}\n  aim: ${scenario.aim}\n  ${figures}\n`);
    }
  } finally {
    await world.stop();
  }
  process.stdout.write(`${chosen.length - failed} passed, ${failed} failed\n`);
  return failed;
}
