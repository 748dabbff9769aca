import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { baseConfig, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { attachedPolicies, createIamUser, createManagedPolicy, MOTO_ACCOUNT, motoClients, runAws, type MotoClients } from '../../support/aws-harness.js';

const TOOL = 'request_rds_read_only';
const entry = (policyName: string) => ({ policy_name: policyName, aws_account_id: MOTO_ACCOUNT, request_name: 'RDS Read Only', session_duration: 'PT4H' });

/**
 * The config may change while a grant is active: an operator points an entry at another policy, or removes
 * it. The removal must still take away what was granted, not what the config says today; otherwise the
 * request is marked ended while the access it granted stays attached, with nothing left to retry it.
 */
describe('a config change while a grant is active', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  let oldArn: string;
  let newArn: string;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);
  const configWith = (policies: unknown[]) => h.writeConfig({ ...baseConfig(h.opa.url), policies });

  async function granted(): Promise<string> {
    const asked = await run(PEOPLE.dev.email, [TOOL, '--ttl', '1h', '--justification', 'Check replica lag during INC-77']);
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.json.status, approved.stdout).toBe('access_granted');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([oldArn]);
    return id;
  }

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start();
  });
  beforeEach(async () => {
    await moto.reset();
    await createIamUser(aws.iam, 'dev');
    oldArn = await createManagedPolicy(aws.iam, 'RdsReadOnlyForOncall');
    newArn = await createManagedPolicy(aws.iam, 'RdsReadOnlyV2');
    configWith([entry('RdsReadOnlyForOncall')]);
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('revoking after the entry was pointed at another policy detaches the policy that was granted', async () => {
    const id = await granted();
    configWith([entry('RdsReadOnlyV2')]);
    const ended = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', id, '--reason', 'done']);
    expect(ended.json.status, ended.stdout).toBe('revoked');
    expect(await attachedPolicies(aws.iam, 'dev')).not.toContain(oldArn);
    expect(await attachedPolicies(aws.iam, 'dev')).not.toContain(newArn);
  });

  it('revoking after the entry was removed from the config still detaches it', async () => {
    const id = await granted();
    configWith([]);
    const ended = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', id, '--reason', 'done']);
    expect(ended.json.status, ended.stdout).toBe('revoked');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
  });
});
