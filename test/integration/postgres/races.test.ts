import { afterEach, describe, it } from 'vitest';
import { LifecycleHarness } from '../../support/lifecycle-harness.js';
import { usePostgres } from '../../support/postgres-harness.js';
import { approversAtOnce, groupsApproveAtOnce, killedWorker, manyWriters, workersAndToolRuns } from '../../support/race-scenarios.js';

/**
 * Sizes: the full figures (1,000 due grants, 8 × 1,000 requests) run in `npm run bench`; the suite runs
 * smaller ones by default so that CI stays quick on two cores. JIT_RACE_SIZE=1000 runs the full size here.
 */
const SIZE = Number(process.env.JIT_RACE_SIZE ?? 150);

describe('PostgreSQL: separate processes racing on one database', { timeout: 300_000 }, () => {
  const pg = usePostgres();
  let h: LifecycleHarness | undefined;
  const start = async (configure?: (config: Record<string, unknown>) => void, options: { opaDeleteDelayMs?: number } = {}) => {
    h = await LifecycleHarness.start(configure, { databaseUrl: await pg.freshDatabase(), ...options });
    return h;
  };
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('20 approvers approving and rejecting at once give one decision and at most one grant', async () => {
    const approvers = Array.from({ length: 20 }, (_, i) => `approver${i}@example.com`);
    await approversAtOnce(
      await start((config) => {
        (config.directory as { groups: Record<string, unknown[]> }).groups['platform-approvers'] = approvers;
      }),
      approvers,
    );
  });

  it('approvers of two groups that must each approve, approving at once, grant once with both approvals', async () => {
    const harness = await start((config) => {
      const groups = (config.directory as { groups: Record<string, unknown[]> }).groups;
      groups['security-approvers'] = ['erin@example.com', 'frank@example.com'];
      (config.tools as unknown[]).push({ name: 'rotate_keys', description: 'Rotate the signing keys', approver_groups: ['platform-approvers', 'security-approvers'], approvals: { each_group: true } });
    });
    await groupsApproveAtOnce(harness, 'rotate_keys', ['alice@example.com', 'bob@example.com', 'erin@example.com', 'frank@example.com'], 2);
  });

  it(`4 workers plus sweeps and tool runs end each of ${SIZE} due grants exactly once, with an intact chain`, async () => {
    await workersAndToolRuns(await start(), SIZE, 4);
  });

  it('a worker killed with SIGKILL mid-sweep loses nothing, and another worker finishes its work', async () => {
    const harness = await start((config) => ((config.expiry as Record<string, unknown>).removal_lease = '2s'), { opaDeleteDelayMs: 40 });
    const url = harness.databaseUrl!;
    await killedWorker(harness, 150, async () => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return Number((await client.query('SELECT COUNT(*) AS n FROM requests WHERE claimed_by IS NOT NULL OR lease_owner IS NOT NULL')).rows[0].n);
      } finally {
        await client.end();
      }
    });
  });

  it(`8 processes writing ${SIZE} requests each (three writes per request) lose none`, async () => {
    await manyWriters(await start(), 'postgres', 8, SIZE);
  });
});
