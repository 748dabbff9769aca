import type { IAMClient} from '@aws-sdk/client-iam';
import { CreateInstanceProfileCommand, ListInstanceProfilesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IamPolicyProvider } from '../../../scripts/adapters/aws/iam-policy-provider.js';
import { RoleTrustProvider } from '../../../scripts/adapters/aws/role-trust-provider.js';
import { shortHash } from '../../../scripts/adapters/aws/grant-names.js';
import { requestFixture } from '../../support/request-fixture.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { memoryLogger, motoClients } from './aws-state.js';
import { ACCOUNT, attachedPolicies, createAlice, createManagedPolicy, createRole, grantCtx, testCoordination, testSettings, testStore, trustStatements } from './fixtures.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

const log = memoryLogger();
const DB = { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT };
const target = (arn: string) => `iam-policy:alice:${arn}`;

/** An instance profile on the path older versions used for holds: anyone allowed to create IAM objects there can make one. */
async function forgeHold(iam: IAMClient, forTarget: string, grantKey: string, keep = false): Promise<void> {
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: `kjit-hold-${grantKey}`, Path: `/kubiya-jit/holds/${shortHash(forTarget)}/exp-4102444800/keep-${keep ? 1 : 0}/` }));
}

describe('holds live in the store: a forged IAM object on the package paths changes nothing', () => {
  it('revoking detaches even with forged holds (unknown grant, standing flag) on the target path', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const arn = await createManagedPolicy(iam, 'DbReadOnly');
    await forgeHold(iam, target(arn), 'req_forged000000001');
    await forgeHold(iam, target(arn), 'req_forged000000002', true);
    const provider = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, testCoordination());
    const ctx = grantCtx('req_real0000000001', 'request_db', DB);
    await provider.grant(ctx);
    expect(await attachedPolicies(iam, 'alice')).toEqual([arn]);
    await provider.revoke(ctx);
    expect(await attachedPolicies(iam, 'alice')).toEqual([]);
    // The forgeries are left where they are (not the package's), and reconcile names them.
    const findings = await provider.inspect({ now: Date.now(), entries: [DB] });
    expect(findings.filter((f) => f.state === 'unaccounted').map((f) => f.what).join('\n')).toContain('kjit-hold-req_forged000000002');
  });

  it('a trust statement forged in the package form is listed by its Sid, so reconcile can name it', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    const forged = { Sid: `KubiyaJit${'ab'.repeat(12)}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/mallory` }, Action: 'sts:AssumeRole' };
    const current = await trustStatements(iam, 'deploy');
    const { UpdateAssumeRolePolicyCommand } = await import('@aws-sdk/client-iam');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deploy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [...current, forged] }) }));
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint, { roleTrust: [{ name: 'Deploy', roleName: 'deploy', description: 'd', sessionDuration: 'PT1H' }] }), log, testCoordination());
    await provider.grant(grantCtx('g-live', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    expect(await provider.listGrantIds()).toEqual([forged.Sid, provider.grantKey('g-live')].sort());
    // Revoking a real grant leaves the forged statement exactly as it was: it is not the package's.
    await provider.revoke(grantCtx('g-live', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    expect(await trustStatements(iam, 'deploy')).toEqual([...current, forged]);
  });
});

describe('holds written by older versions are read once into the store', () => {
  it('an old hold of an active request keeps the attachment for it; a forged one naming it for another target does not count', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const arn = await createManagedPolicy(iam, 'DbReadOnly');
    const store = testStore();
    const provider = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, testCoordination(store));
    // req_old was granted by an older version: attachment made, hold in IAM, request active in the store.
    const old = requestFixture({ id: 'req_0ld0000000000001', status: 'access_granted', requester: 'alice@example.com', toolName: 'request_db', expiresAt: Date.UTC(2030, 0, 1), grantedWith: { provider: 'aws-iam-policy', settings: DB } });
    await store.create(old, []);
    await iam.send(new (await import('@aws-sdk/client-iam')).AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    await forgeHold(iam, target(arn), old.id);
    // A new grant of the same policy, then its revocation: the old grant still holds the attachment.
    const fresh = grantCtx('req_new0000000000001', 'request_db', DB);
    await provider.grant(fresh);
    await provider.revoke(fresh);
    expect(await attachedPolicies(iam, 'alice')).toEqual([arn]);
    expect((await store.listHolds()).map((h) => [h.grantId, h.expiresAt])).toEqual([[old.id, Date.UTC(2030, 0, 1)]]);
    // Moved, not copied: the old grant's IAM object is gone.
    const profiles = await iam.send(new ListInstanceProfilesCommand({}));
    expect(profiles.InstanceProfiles ?? []).toEqual([]);
    // Its name is free again: a forgery naming the same active request on another policy's path does not
    // count, since that is not the request's target.
    const other = await createManagedPolicy(iam, 'Other');
    await forgeHold(iam, target(other), old.id);
    const otherGrant = grantCtx('req_oth0000000000001', 'request_other', { policy_name: 'Other', aws_account_id: ACCOUNT });
    await provider.grant(otherGrant);
    await provider.revoke(otherGrant);
    expect(await attachedPolicies(iam, 'alice')).toEqual([arn]);
    // The old grant's own revocation (through the new code) then detaches.
    await provider.revoke(grantCtx(old.id, 'request_db', DB));
    expect(await attachedPolicies(iam, 'alice')).toEqual([]);
  });
});

describe('store locks on AWS objects', () => {
  it('wait out a dead holder: a grant proceeds once the lease it left lapses', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    const coordination = testCoordination();
    // A run that took the role's lock and died: it never renews nor releases.
    expect(await coordination.store.acquireLock('aws:role:deploy', 'dead-run', Date.now() + 1_500, Date.now())).toBe(true);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, coordination);
    const started = Date.now();
    await provider.grant(grantCtx('g-after-dead', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await trustStatements(iam, 'deploy')).map((s) => s.Sid)).toContain(provider.grantKey('g-after-dead'));
  });

  it('refuse with aws.target_busy, writing nothing, when a live holder keeps it past the wait', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    const coordination = testCoordination();
    expect(await coordination.store.acquireLock('aws:role:deploy', 'busy-run', Date.now() + 60_000, Date.now())).toBe(true);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint, { locks: { leaseMs: 2_000, waitMs: 300 } }), log, coordination);
    await expect(provider.grant(grantCtx('g-busy', 'role_trust_grant_deploy', { role_name: 'deploy' }))).rejects.toMatchObject({ code: 'aws.target_busy' });
    expect((await trustStatements(iam, 'deploy')).map((s) => s.Sid)).toEqual(['Ec2']);
  });
});

describe('whole-document writes are read back', () => {
  it('writes the trust policy again when IAM answered OK but did not keep it', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    // The real client, except that the first trust-policy write is answered without reaching IAM: the
    // read-back shows the old document, so the provider must write again.
    let dropped = 0;
    const lossy = new Proxy(iam, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'UpdateAssumeRolePolicyCommand' && dropped === 0) {
            dropped += 1;
            return { $metadata: { httpStatusCode: 200 } };
          }
          return target.send(command as never);
        };
      },
    });
    const provider = new RoleTrustProvider(lossy as IAMClient, testSettings(moto.endpoint), log, testCoordination());
    await provider.grant(grantCtx('g-lossy', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    expect(dropped).toBe(1);
    expect((await trustStatements(iam, 'deploy')).map((s) => s.Sid)).toEqual(['Ec2', provider.grantKey('g-lossy')]);
  });

  it('gives up with aws.write_not_verified after its bound when IAM never keeps the write', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    const deaf = new Proxy(iam, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) =>
          command.constructor.name === 'UpdateAssumeRolePolicyCommand' ? { $metadata: { httpStatusCode: 200 } } : target.send(command as never);
      },
    });
    const provider = new RoleTrustProvider(deaf as IAMClient, testSettings(moto.endpoint), log, testCoordination());
    await expect(provider.grant(grantCtx('g-deaf', 'role_trust_grant_deploy', { role_name: 'deploy' }))).rejects.toMatchObject({ code: 'aws.write_not_verified' });
  });
});
