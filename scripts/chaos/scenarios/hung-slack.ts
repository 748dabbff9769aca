import type { ChaosWorld } from '../chaos-world.js';
import type { ChaosScenario } from '../scenario.js';
import { seconds } from '../scenario.js';

const GRANTS = 5;

/**
 * Five grants (three Enforcer allows, two S3 policies) fall due together with Slack answering, then five more
 * with Slack hanging (accepting calls, never answering). The hung round must end as fast as the healthy one;
 * the notices follow from the outbox once Slack answers again.
 */
export const hungSlack: ChaosScenario = {
  name: 'hung-slack',
  title: `${GRANTS} grants due together with Slack healthy, then ${GRANTS} with Slack hanging`,
  aim: 'overshoot as without Slack (≤ healthy + 5 s)',
  async run(world: ChaosWorld) {
    const kinds = ['opa', 'opa', 'opa', 's3', 's3'] as const;
    const healthy: string[] = [];
    const hung: string[] = [];
    for (const kind of kinds) healthy.push(await world.grant(kind));
    for (const kind of kinds) hung.push(await world.grant(kind));
    const worker = world.startWorker();
    await world.warmUp();

    const round = async (ids: string[]) => {
      const dueAt = Date.now() + 3_000;
      await world.expireAt(ids, dueAt);
      return (await world.waitEnded(ids, 300_000)).map((r) => r.endedAt! - dueAt);
    };
    const healthyOvershoots = await round(healthy);
    world.slack.degrade({ hang: true });
    const hungOvershoots = await round(hung);
    const hungCalls = world.slack.calls.filter((c) => c.hung).length;
    world.slack.recover();
    const recovered = Date.now();
    await waitForNotices(world, hung);
    const noticesAfter = Date.now() - recovered;
    await worker.stop();
    const worst = (list: number[]) => Math.max(...list);
    return {
      measuredMs: worst(hungOvershoots),
      aimMs: worst(healthyOvershoots) + 5_000,
      details: [
        `Slack healthy: overshoots ${healthyOvershoots.map(seconds).join(', ')}`,
        `Slack hanging: overshoots ${hungOvershoots.map(seconds).join(', ')} (${hungCalls} Slack calls hung meanwhile)`,
        `the ${GRANTS} expiry DMs went out ${seconds(noticesAfter)} after Slack answered again (from the outbox)`,
      ],
    };
  },
};

async function waitForNotices(world: ChaosWorld, ids: string[]): Promise<void> {
  const end = Date.now() + 120_000;
  const delivered = () => {
    const dms = world.slack.messages.filter((m) => m.channel.startsWith('D')).map((m) => JSON.stringify(m.blocks ?? []));
    return ids.every((id) => dms.some((dm) => dm.includes(id) && dm.includes('expired')));
  };
  while (!delivered()) {
    if (Date.now() > end) throw new Error('the expiry DMs were not delivered within 2 minutes of Slack answering again');
    await new Promise((r) => setTimeout(r, 200));
  }
}
