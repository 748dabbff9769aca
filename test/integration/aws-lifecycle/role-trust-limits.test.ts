import { CreateRoleCommand, GetRoleCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { createIamUser, motoClients, runAws, type MotoClients } from '../../support/aws-harness.js';

const roleTrust = [{ name: 'Prod Deploy', role_name: 'prod-deploy', description: 'Assume the production deploy role', session_duration: 'PT1H' }];

/** A trust policy of about 1,900 characters (without whitespace): a long list of CI external ids. */
const BIG_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Ci', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': Array.from({ length: 190 }, (_, i) => `c-${String(i).padStart(4, '0')}`) } } },
  ],
});

describe('role_trust_grant_<name>: a grant that would pass IAM’s trust policy quota ends failed, through the real CLI', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);
  const trust = async () => decodeURIComponent((await aws.iam.send(new GetRoleCommand({ RoleName: 'prod-deploy' }))).Role!.AssumeRolePolicyDocument!);
  const ask = async () => {
    const asked = await run(PEOPLE.dev.email, ['role_trust_grant_prod_deploy', '--ttl', '30m', '--justification', 'Roll back release 4.2']);
    expect(asked.code, asked.stdout).toBe(0);
    return asked.json.request_id as string;
  };

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => void (config.aws = { role_trust: roleTrust }));
    await createIamUser(aws.iam, 'dev');
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'prod-deploy', AssumeRolePolicyDocument: BIG_TRUST }));
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('on approval the request ends failed with a reason naming the role, the size and the setting; nothing is written and no lock is left', async () => {
    const id = await ask();
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(1);
    expect(approved.json.code).toBe('grant.failed');
    expect(approved.json.message).toMatch(/Role prod-deploy's trust policy would be 2,\d{3} characters with this grant, over the 2,048 IAM allows \(aws\.trust_policy_max_chars\)/);
    expect(approved.stdout).not.toMatch(/\n\s+at /);

    const store = h.openStore();
    try {
      const request = (await store.get(id))!;
      expect(request.status).toBe('failed');
      expect(request.endReason).toContain("Role prod-deploy's trust policy would be");
      expect(request.endReason).toContain('aws.trust_policy_max_chars');
      // The role's lock was released: another owner takes it at once.
      expect(await store.acquireLock('aws:role:prod-deploy', 'test', Date.now() + 1000, Date.now())).toBe(true);
      await store.releaseLock('aws:role:prod-deploy', 'test');
      expect(await store.listFollowUps()).toEqual([]);
    } finally {
      await store.close();
    }
    expect(await trust()).toBe(BIG_TRUST);
    expect((await aws.iam.send(new ListRolePoliciesCommand({ RoleName: 'prod-deploy' }))).PolicyNames).toEqual([]);
    // The requester is told, not left waiting.
    expect(h.directMessages().some((m) => JSON.stringify(m).includes('trust policy would be'))).toBe(true);
  });

  it('with aws.trust_policy_max_chars raised to the account’s quota, the same grant goes through; a value past 4,096 is a config error naming the key', async () => {
    h.writeConfig({ ...JSON.parse((await import('node:fs')).readFileSync(h.configPath, 'utf8')), aws: { role_trust: roleTrust, trust_policy_max_chars: 5000 } });
    const bad = await run(PEOPLE.dev.email, ['role_trust_grant_prod_deploy', '--ttl', '30m', '--justification', 'Roll back release 4.2']);
    expect(bad.code).toBe(1);
    expect(bad.json.code).toBe('config.invalid');
    expect(bad.json.message).toContain('trust_policy_max_chars');

    h.writeConfig({ ...JSON.parse((await import('node:fs')).readFileSync(h.configPath, 'utf8')), aws: { role_trust: roleTrust, trust_policy_max_chars: 4096 } });
    const id = await ask();
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    expect(JSON.parse(await trust()).Statement).toHaveLength(2);
  });
});
