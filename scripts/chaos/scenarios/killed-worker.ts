import type { ChaosWorld } from '../chaos-world.js';
import { sleep } from '../chaos-world.js';
import type { ChaosScenario } from '../scenario.js';
import { seconds } from '../scenario.js';

/**
 * A worker is killed (`kill -9`) in the middle of a removal (its AWS call held by the proxy for a while, so
 * its lease has been renewed), and restarted at once. The restarted worker must resume the removal once the
 * dead one's lease lapses: within the default lease, 10 s.
 */
export const killedWorker: ChaosScenario = {
  name: 'killed-worker',
  title: 'kill -9 of the worker mid-removal (default 10 s lease), restarted at once',
  aim: 'removal resumed by the restarted worker ≤ ~10 s after the kill (the lease, plus 1.5 s)',
  async run(world: ChaosWorld) {
    const id = await world.grant('s3');
    const first = world.startWorker();
    world.proxy.addRule({ service: 'iam', action: 'ListPolicies', effect: { kind: 'hold' }, times: 1 });
    await world.expireAt([id], Date.now() + 2_000);
    await world.proxy.waitForHeld(1, 120_000);
    // Mid-removal for a while, so the lease has been renewed by the heartbeat before the kill.
    await sleep(4_000);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    const [before] = await world.requests([id]);
    const restarted = world.startWorker();
    const [ended] = await world.waitEnded([id], 120_000);
    await restarted.stop();
    // Resumed: the removal's first AWS call from the restarted worker (the dead one's call is still held).
    const resumedAt = world.proxy.calls().find((c) => c.action === 'ListPolicies' && c.at > killedAt)?.at ?? ended!.endedAt!;
    return {
      measuredMs: resumedAt - killedAt,
      aimMs: 11_500,
      details: [
        `killed while ${before!.status}; resumed ${seconds(resumedAt - killedAt)} after the kill, removal confirmed ${seconds(ended!.endedAt! - killedAt)} after it`,
        'the lease lapses 6.7–10 s after the kill (renewed every 3.3 s); the old fixed lease was 60 s',
      ],
    };
  },
};
