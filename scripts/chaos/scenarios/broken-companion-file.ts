import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosWorld } from '../chaos-world.js';
import type { ChaosScenario } from '../scenario.js';
import { seconds } from '../scenario.js';

/**
 * An Enforcer allow, a managed policy and an S3 grant fall due with a sound config; then an AWS companion
 * file (access_configs.json) becomes invalid JSON while the worker runs, and three more fall due. Expiry must
 * go on as with the sound config; the error is reported (alert, non-zero sweep) and the worker keeps running.
 */
export const brokenCompanionFile: ChaosScenario = {
  name: 'broken-companion-file',
  title: 'access_configs.json broken while the worker runs; grants of three providers fall due, before and after',
  aim: 'overshoot as with a sound config (≤ sound + 5 s); the worker keeps running',
  async run(world: ChaosWorld) {
    const sound = [await world.grant('opa'), await world.grant('policy'), await world.grant('s3')];
    const broken = [await world.grant('opa'), await world.grant('policy'), await world.grant('s3')];
    const worker = world.startWorker();
    await world.warmUp();
    const round = async (ids: string[]) => {
      const dueAt = Date.now() + 3_000;
      await world.expireAt(ids, dueAt);
      return (await world.waitEnded(ids, 120_000)).map((r) => r.endedAt! - dueAt);
    };
    const soundOvershoots = await round(sound);
    writeFileSync(join(world.dir, 'access_configs.json'), '{"Database Access": ');
    const brokenOvershoots = await round(broken);
    const running = worker.child.exitCode === null && worker.child.signalCode === null;
    const sweep = await world.run(undefined, ['sweep']);
    const alerted = world.slack.messages.some((m) => JSON.stringify(m.blocks ?? []).includes('access_configs.json'));
    await worker.stop();
    const list = (o: number[]) => `Enforcer ${seconds(o[0]!)}, managed policy ${seconds(o[1]!)}, S3 ${seconds(o[2]!)}`;
    return {
      measuredMs: running ? Math.max(...brokenOvershoots) : Number.POSITIVE_INFINITY,
      aimMs: Math.max(...soundOvershoots) + 5_000,
      details: [
        `sound config: overshoots ${list(soundOvershoots)}`,
        `access_configs.json broken: overshoots ${list(brokenOvershoots)}`,
        `worker still running: ${running ? 'yes' : 'NO'}; sweep exit ${sweep.code} (${String(sweep.json.code ?? '')}); approvers alerted: ${alerted ? 'yes' : 'no'}`,
      ],
    };
  },
};
