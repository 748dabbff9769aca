import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../scripts/standins/fault-proxy.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE, type CliRun } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { attachedPolicies, awsEnv, createIamUser, createManagedPolicy, createRole, MOTO_ACCOUNT, motoClients, trustStatements, type MotoClients, type TrustStatement } from '../../support/aws-harness.js';

/** Each scenario runs five or six CLI processes; on a loaded two-core machine each takes seconds. */
const SCENARIO_MS = 240_000;

describe('grant and revoke of one AWS object at once, as separate processes through a fault proxy', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let aws: MotoClients;
  let h: LifecycleHarness;
  let original: TrustStatement[];
  let policyArn: string;
  // Every CLI run reaches AWS through the proxy; the test reads AWS directly (an independent client).
  const run = (as: string | undefined, args: string[]): Promise<CliRun> => h.run(as, args, { env: { ...awsEnv(moto), AWS_ENDPOINT_URL: proxy.url } });
  const ask = async (as: string, tool: string): Promise<string> => {
    const asked = await run(as, [tool, '--ttl', '1h', '--justification', 'Roll out release 4.3']);
    expect(asked.code, asked.stdout).toBe(0);
    return asked.json.request_id as string;
  };
  const approve = (id: string) => run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
  const granted = async (as: string, tool: string): Promise<string> => {
    const id = await ask(as, tool);
    const approved = await approve(id);
    expect(approved.json.status, approved.stdout).toBe('access_granted');
    return id;
  };
  /**
   * Resolves once the second process has reached the object: it read it through the proxy after the first
   * one's call was held (`reads`, how the code before the locks interleaved), or it is waiting for the lock
   * (the operator log says so). Only then is the held call released, so the interleaving is the same every run.
   */
  const secondReached = async (heldAt: number, reads: string[]): Promise<void> => {
    const log = join(h.dir, 'operator.log');
    for (let waited = 0; waited < 120_000; waited += 100) {
      if (proxy.calls().some((c) => c.at > heldAt && reads.includes(c.action))) return;
      if (existsSync(log) && readFileSync(log, 'utf8').includes('waiting for a target lock')) return;
      await sleep(100);
    }
    throw new Error('the second process never reached the object');
  };
  const heldNow = async (): Promise<number> => {
    await proxy.waitForHeld(1, 120_000);
    return Date.now();
  };
  const principals = async () => (await trustStatements(aws.iam, 'deploy')).slice(original.length).map((s) => s.Principal.AWS);
  const holds = async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return (await store.listHolds()).map((hold) => hold.grantId);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => {
      config.policies = [{ policy_name: 'DbReadOnly', aws_account_id: MOTO_ACCOUNT, request_name: 'DB Read Only' }];
      config.aws = { role_trust: [{ name: 'Deploy', role_name: 'deploy', description: 'Assume the deploy role', session_duration: 'PT1H' }], locks: { lease_ms: 3_000 } };
    });
  });
  beforeEach(async () => {
    proxy.clearRules();
    await moto.reset();
    await createIamUser(aws.iam, 'dev');
    await createIamUser(aws.iam, 'carol');
    original = await createRole(aws.iam, 'deploy');
    policyArn = await createManagedPolicy(aws.iam, 'DbReadOnly');
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.stop();
    await moto?.stop();
  });

  it("a revocation's trust write held while another grant is approved: the revoked statement stays gone, the new one is there", async () => {
    const revoked = await granted(PEOPLE.dev.email, 'role_trust_grant_deploy');
    const fresh = await ask(PEOPLE.carol.email, 'role_trust_grant_deploy');
    proxy.addRule({ service: 'iam', action: 'UpdateAssumeRolePolicy', effect: { kind: 'hold' }, times: 1 });
    const revoking = run(PEOPLE.dev.email, ['role_trust_revoke_deploy', '--reason', 'done']);
    const heldAt = await heldNow();
    const granting = approve(fresh);
    await secondReached(heldAt, ['GetRole']);
    proxy.releaseAll();
    const [r, g] = await Promise.all([revoking, granting]);
    expect(r.json.status, r.stdout).toBe('revoked');
    expect(g.json.status, g.stdout).toBe('access_granted');
    expect(r.json.request_id).toBe(revoked);
    // AWS matches the requests exactly: carol admitted, dev not, every other statement as it was.
    expect((await trustStatements(aws.iam, 'deploy')).slice(0, original.length)).toEqual(original);
    expect(await principals()).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:user/carol`]);
    // And dev's sessions from before the revocation are denied (read back).
    const deny = await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny' }));
    expect(decodeURIComponent(deny.PolicyDocument!)).toContain(':dev@example.com"');
  }, SCENARIO_MS);

  it("a grant's trust write held while another grant is revoked: the revoked statement does not come back", async () => {
    const revoked = await granted(PEOPLE.dev.email, 'role_trust_grant_deploy');
    const fresh = await ask(PEOPLE.carol.email, 'role_trust_grant_deploy');
    proxy.addRule({ service: 'iam', action: 'UpdateAssumeRolePolicy', effect: { kind: 'hold' }, times: 1 });
    const granting = approve(fresh);
    const heldAt = await heldNow();
    const revoking = run(PEOPLE.dev.email, ['revoke_access', '--request_id', revoked, '--reason', 'done']);
    await secondReached(heldAt, ['GetRole']);
    proxy.releaseAll();
    const [g, r] = await Promise.all([granting, revoking]);
    expect(g.json.status, g.stdout).toBe('access_granted');
    expect(r.json.status, r.stdout).toBe('revoked');
    expect(await principals()).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:user/carol`]);
  }, SCENARIO_MS);

  it('two grants of one role approved at once: both statements are there', async () => {
    const first = await ask(PEOPLE.dev.email, 'role_trust_grant_deploy');
    const second = await ask(PEOPLE.carol.email, 'role_trust_grant_deploy');
    proxy.addRule({ service: 'iam', action: 'UpdateAssumeRolePolicy', effect: { kind: 'hold' }, times: 1 });
    const one = approve(first);
    const heldAt = await heldNow();
    const two = approve(second);
    await secondReached(heldAt, ['GetRole']);
    proxy.releaseAll();
    const results = await Promise.all([one, two]);
    expect(results.map((r) => r.json.status)).toEqual(['access_granted', 'access_granted']);
    expect((await principals()).sort()).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:user/carol`, `arn:aws:iam::${MOTO_ACCOUNT}:user/dev`]);
  }, SCENARIO_MS);

  it('a managed-policy grant approved while another grant of it is being revoked ends attached and held', async () => {
    const revoked = await granted(PEOPLE.dev.email, 'request_db_read_only');
    const fresh = await ask(PEOPLE.dev.email, 'request_db_read_only');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);
    proxy.addRule({ service: 'iam', action: 'DetachUserPolicy', effect: { kind: 'hold' }, times: 1 });
    const revoking = run(PEOPLE.dev.email, ['revoke_access', '--request_id', revoked, '--reason', 'first task done']);
    const heldAt = await heldNow();
    const granting = approve(fresh);
    // Before the locks, a grant looked at the attachment and the holds (instance profiles) and went on.
    await secondReached(heldAt, ['ListInstanceProfiles']);
    proxy.releaseAll();
    const [r, g] = await Promise.all([revoking, granting]);
    expect(r.json.status, r.stdout).toBe('revoked');
    expect(g.json.status, g.stdout).toBe('access_granted');
    // Granted means attached, and the store's holds are exactly the active grant's.
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([policyArn]);
    expect(await holds()).toEqual([fresh]);
    // And ending it detaches.
    const ended = await run(PEOPLE.dev.email, ['revoke_access', '--request_id', fresh, '--reason', 'done']);
    expect(ended.json.status, ended.stdout).toBe('revoked');
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
    expect(await holds()).toEqual([]);
  }, SCENARIO_MS);
});
