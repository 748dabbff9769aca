import { CreatePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { attachedPolicies, createIamUser, jitResources, motoClients, runAws, writeConfigFile, type MotoClients } from '../../support/aws-harness.js';

const S3_CONFIGS = {
  Lake: { name: 'Data Lake Read', description: 'Read the lake.', buckets: ['company-data-lake'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT2H' },
};

describe('kubiya-jit reconcile on moto', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start();
    writeConfigFile(h, 's3_configs.json', S3_CONFIGS);
    await createIamUser(aws.iam, 'dev');
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  async function granted(): Promise<string> {
    const asked = await run(PEOPLE.dev.email, ['s3_grant_data_lake_read', '--justification', 'Quarterly report from raw data']);
    const id = asked.json.request_id as string;
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    return id;
  }

  it('finds access left behind for a closed request, removes it with --fix, and only reports what it cannot know', async () => {
    const inUse = await granted();
    const leftover = await granted();
    // A request closed without its removal having run (a crash, a manual edit): AWS still holds its policy.
    const store = SqliteRequestStore.open(h.databasePath);
    // Closed with its audit event, as a crash after the record and before the removal leaves it: a bare edit of
    // the row would be restored from its events by the integrity check.
    const closing = (await store.get(leftover))!;
    const closed = { ...closing, status: 'revoked' as const, version: closing.version + 1, endedAt: Date.now() };
    expect(await store.update(closing, closed, [{ requestId: leftover, type: 'access_revoked', actor: 'test', at: Date.now(), data: { to: 'revoked' } }])).toBe(true);
    await store.close();
    // A per-grant policy no request in this database knows.
    await aws.iam.send(new CreatePolicyCommand({ PolicyName: 'kjit-other-req_from_elsewhere', Path: '/kubiya-jit/req_from_elsewhere/', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }));
    expect(await attachedPolicies(aws.iam, 'dev')).toHaveLength(2);

    const report = await run(undefined, ['reconcile']);
    expect(report.code).toBe(1);
    expect(report.json.active).toEqual([inUse]);
    expect(report.json.leftovers).toEqual([{ grant_id: leftover, status: 'revoked', removed: false }]);
    expect(report.json.unknown).toEqual(['req_from_elsewhere']);
    expect(await attachedPolicies(aws.iam, 'dev')).toHaveLength(2);

    const fixed = await run(undefined, ['reconcile', '--fix']);
    expect(fixed.json.leftovers).toEqual([{ grant_id: leftover, status: 'revoked', removed: true }]);
    expect(await attachedPolicies(aws.iam, 'dev')).toHaveLength(1);
    const remaining = await jitResources(aws.iam);
    expect(remaining.some((r) => r.includes(leftover))).toBe(false);
    expect(remaining.some((r) => r.includes(inUse))).toBe(true);
    expect(remaining.some((r) => r.includes('req_from_elsewhere'))).toBe(true);

    const history = await run(PEOPLE.dev.email, ['describe_access_request', '--request_id', leftover]);
    expect((history.json.history as { type: string }[]).map((e) => e.type)).toContain('leftover_removed');
  });
});
