import { AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { attachedPolicies, createIamUser, createManagedPolicy, jitResources, MOTO_ACCOUNT, motoClients, runAws, type MotoClients } from '../../support/aws-harness.js';

const POLICY = 'RdsReadOnlyForOncall';
const TOOL = 'request_rds_read_only';

describe('policies → request_<name>: an existing managed policy through the real CLI, on moto', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  let policyArn: string;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);
  const ask = async (ttl: string): Promise<string> => {
    const asked = await run(PEOPLE.dev.email, [TOOL, '--ttl', ttl, '--justification', 'Check replica lag during INC-77']);
    expect(asked.code, asked.stdout).toBe(0);
    expect(asked.json.status).toBe('approval_pending');
    return asked.json.request_id as string;
  };
  const approve = async (requestId: string) => {
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    return approved.json;
  };
  const status = async (requestId: string) => (await run(PEOPLE.dev.email, ['describe_access_request', '--request_id', requestId])).json.status;

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => {
      config.policies = [{ policy_name: POLICY, aws_account_id: MOTO_ACCOUNT, request_name: 'RDS Read Only', session_duration: 'PT4H' }];
    });
  });
  beforeEach(async () => {
    // Each test starts from an empty account: an IAM user for dev and the policy an admin made earlier.
    await moto.reset();
    await createIamUser(aws.iam, 'dev');
    policyArn = await createManagedPolicy(aws.iam, POLICY);
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('attaches the policy on approval, and the sweep detaches it once the TTL has passed', async () => {
    const requestId = await ask('2s');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
    const granted = await approve(requestId);
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);

    const wait = Date.parse(granted.expires_at as string) - Date.now();
    if (wait > 0) await sleep(wait + 100);
    const swept = await run(undefined, ['sweep']);
    expect(swept.code, swept.stdout).toBe(0);
    expect(swept.json.expired).toContain(requestId);
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);
    expect(await status(requestId)).toBe('access_expired');
  });

  it('two overlapping grants: ending the first keeps the policy attached for the second', async () => {
    const first = await ask('1h');
    const second = await ask('1h');
    await approve(first);
    await approve(second);
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);

    const endFirst = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', first, '--reason', 'first task done']);
    expect(endFirst.code, endFirst.stdout).toBe(0);
    expect(endFirst.json.status).toBe('revoked');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);
    expect(await status(second)).toBe('access_granted');

    const endSecond = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', second, '--reason', 'all done']);
    expect(endSecond.code, endSecond.stdout).toBe(0);
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);
  });

  it('never detaches an attachment the person had before the grant', async () => {
    await aws.iam.send(new AttachUserPolicyCommand({ UserName: 'dev', PolicyArn: policyArn }));
    const requestId = await ask('1h');
    await approve(requestId);
    const ended = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', requestId, '--reason', 'done']);
    expect(ended.code, ended.stdout).toBe(0);
    expect(ended.json.status).toBe('revoked');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);
    expect(await jitResources(aws.iam)).toEqual([]);
  });
});
