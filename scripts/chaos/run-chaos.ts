/**
 * `npm run chaos [-- --only name[,name]] [-- --list]`: runs each fault scenario of issue 7 at full size against
 * a fresh local world (moto behind the fault proxy, the Slack and OPA stand-ins, the real CLI as separate
 * processes) and prints each figure beside its aim, then the AWS race scenarios (`npm run chaos:aws` runs
 * those alone). Long by design (several minutes); never part of the tests. Exits 1 when a scenario misses its
 * aim or fails to run.
 */
import { AWS_RACE_NAMES, runAwsRaces } from './aws-races.js';
import { ChaosWorld } from './chaos-world.js';
import { CHAOS_SCENARIOS } from './registry.js';
import { seconds, type ChaosScenario } from './scenario.js';
import { motoAvailable } from '../standins/moto-server.js';

// The AWS SDK's notice about future Node versions is not a figure: keep the output to the measurements.
process.removeAllListeners('warning');

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const s of CHAOS_SCENARIOS) console.log(`${s.name.padEnd(24)} ${s.title}`);
  for (const name of AWS_RACE_NAMES) console.log(`${name.padEnd(24)} (AWS race scenario)`);
  process.exit(0);
}
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;
const chosen = CHAOS_SCENARIOS.filter((s) => !only || only.has(s.name));
const races = AWS_RACE_NAMES.filter((name) => !only || only.has(name));
if (only && chosen.length + races.length !== only.size) {
  console.error(`Unknown scenario in --only; known: ${[...CHAOS_SCENARIOS.map((s) => s.name), ...AWS_RACE_NAMES].join(', ')}`);
  process.exit(2);
}
if (!motoAvailable()) {
  console.error('moto_server is not on the PATH: the chaos scenarios need moto (pip install "moto[server]").');
  process.exit(2);
}

console.log('Expiry under faults: moto behind the fault proxy, Slack and OPA stand-ins, the real CLI as processes.\n');
let missed = 0;
for (const scenario of chosen) missed += (await runOne(scenario)) ? 0 : 1;
if (races.length) {
  console.log('AWS race scenarios:');
  missed += await runAwsRaces(races);
}
console.log(missed ? `\n${missed} scenario(s) missed the aim.` : '\nEvery scenario met its aim.');
process.exitCode = missed ? 1 : 0;

async function runOne(scenario: ChaosScenario): Promise<boolean> {
  console.log(`${scenario.name}: ${scenario.title}`);
  const started = Date.now();
  const world = await ChaosWorld.start(scenario.expiry);
  try {
    const result = await scenario.run(world);
    const met = result.measuredMs <= result.aimMs;
    console.log(`  measured ${seconds(result.measuredMs)}   aim ${scenario.aim} = ${seconds(result.aimMs)}   ${met ? 'MET' : 'MISSED'}`);
    for (const line of result.details) console.log(`  ${line}`);
    return met;
  } catch (err) {
    console.log(`  FAILED to run: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    await world.close().catch(() => undefined);
    console.log(`  (${seconds(Date.now() - started)} in all)\n`);
  }
}
