/**
 * `npm run chaos:aws [-- name …]`: runs the AWS race scenarios (all, or those named) against moto through the
 * fault proxy and prints each one's aim, outcome and figures. Exits 1 if any scenario fails its aim.
 */
import { motoAvailable } from '../standins/moto-server.js';
import { AwsChaosWorld } from './aws-chaos-world.js';
import { AWS_RACE_SCENARIOS } from './aws-race-scenarios.js';

async function main(): Promise<number> {
  if (!motoAvailable()) {
    process.stdout.write('moto_server is not on the PATH: the AWS chaos scenarios need it (pip install "moto[server]").\n');
    return 1;
  }
  const names = process.argv.slice(2);
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
  return failed ? 1 : 0;
}

process.exitCode = await main();
