import { CreateRoleCommand, CreateUserCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { policySize } from '../../../scripts/adapters/aws/policy-document.js';
import { denyStatement, sessionNameFor } from '../../../scripts/adapters/aws/role-trust-documents.js';
import { RoleTrustProvider } from '../../../scripts/adapters/aws/role-trust-provider.js';
import { GrantRefusedError } from '../../../scripts/core/errors.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { memoryLogger, motoClients } from './aws-state.js';
import { createAlice, grantCtx, testCoordination, testSettings, testStore } from './fixtures.js';

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
const NOW = Date.UTC(2029, 5, 1, 12, 0, 0);
const ctx = (grantId: string, email?: string) => grantCtx(grantId, 'role_trust_grant_deploy', { role_name: 'deploy' }, email);

/**
 * A trust document of about `chars` characters without whitespace: the EC2 statement with a condition on a
 * list of external ids, pretty-printed so that its whitespace (which IAM does not count) is a large part.
 */
function trustOf(chars: number): string {
  const base = (ids: string[]) => ({ Version: '2012-10-17', Statement: [{ Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': ids } } }] });
  const count = Math.floor((chars - policySize(base([]) as never)) / 9);
  return JSON.stringify(base(Array.from({ length: count }, (_, i) => `e-${String(i).padStart(4, '0')}`)), null, 8);
}

async function createRole(iam: IAMClient, name: string, trust: string): Promise<string> {
  return (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600 }))).Role!.RoleId!;
}

async function rawTrust(iam: IAMClient, name: string): Promise<string> {
  return decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: name }))).Role!.AssumeRolePolicyDocument!);
}

async function inlinePolicies(iam: IAMClient, name: string): Promise<string[]> {
  return (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
}

/** An operator's inline policy of `chars` characters without whitespace. */
async function putOtherPolicy(iam: IAMClient, role: string, chars: number): Promise<void> {
  const doc = (pad: string) => ({ Version: '2012-10-17', Statement: [{ Sid: `Pad${pad}`, Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  const empty = policySize(doc('') as never);
  await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'ops-extra', PolicyDocument: JSON.stringify(doc('P'.repeat(chars - empty)), null, 4) }));
}

/** The size of the session-deny document holding one deny for each of `emails` on a role. */
function denySize(roleId: string, emails: string[]): number {
  return policySize({ Version: '2012-10-17', Statement: emails.map((e) => denyStatement(roleId, sessionNameFor(e), NOW, NOW + 3_600_000)) });
}

describe('aws-role-trust: IAM size limits are checked before writing', () => {
  it('refuses a grant whose trust policy would pass aws.trust_policy_max_chars, naming the role, the size and the setting, and writes nothing', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const trust = trustOf(1900);
    await createRole(iam, 'deploy', trust);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => NOW));
    const refused = provider.grant(ctx('g-big'));
    await expect(refused).rejects.toBeInstanceOf(GrantRefusedError);
    await expect(refused).rejects.toMatchObject({
      code: 'aws.trust_policy_too_large',
      message: expect.stringMatching(/Role deploy's trust policy would be 2,\d{3} characters with this grant, over the 2,048 IAM allows \(aws\.trust_policy_max_chars\)/),
    });
    // moto takes any length (AWS would refuse): the document is the one the role had, byte for byte.
    expect(await rawTrust(iam, 'deploy')).toBe(trust);
    expect(await inlinePolicies(iam, 'deploy')).toEqual([]);

    // An account whose quota was raised to 4,096 says so, and the same grant goes through.
    const raised = new RoleTrustProvider(iam, testSettings(moto.endpoint, { trustPolicyMaxChars: 4096 }), log, testCoordination(testStore(), () => NOW));
    await raised.grant(ctx('g-big'));
    expect(JSON.parse(await rawTrust(iam, 'deploy')).Statement).toHaveLength(2);
  });

  it('counts the trust policy as IAM does, without whitespace, and allows exactly the limit', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    // Pretty-printed, this document is far over 2,048 characters; without whitespace it leaves room.
    const trust = trustOf(1200);
    expect(trust.length).toBeGreaterThan(2048);
    for (const role of ['probe', 'deploy', 'tight']) await createRole(iam, role, trust);
    const probe = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => NOW));
    await probe.grant(grantCtx('g-edge', 'role_trust_grant_probe', { role_name: 'probe' }));
    const size = policySize(JSON.parse(await rawTrust(iam, 'probe')));
    expect(size).toBeLessThan(2048);

    const exact = new RoleTrustProvider(iam, testSettings(moto.endpoint, { trustPolicyMaxChars: size }), log, testCoordination(testStore(), () => NOW));
    await exact.grant(ctx('g-edge'));
    expect(policySize(JSON.parse(await rawTrust(iam, 'deploy')))).toBe(size);
    const under = new RoleTrustProvider(iam, testSettings(moto.endpoint, { trustPolicyMaxChars: size - 1 }), log, testCoordination(testStore(), () => NOW));
    await expect(under.grant(grantCtx('g-edge', 'role_trust_grant_tight', { role_name: 'tight' }))).rejects.toMatchObject({ code: 'aws.trust_policy_too_large' });
    expect(await rawTrust(iam, 'tight')).toBe(trust);
  });

  it('refuses a grant whose session deny would not fit beside the role’s other inline policies (10,240 in all), and writes nothing', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const trust = trustOf(400);
    const roleId = await createRole(iam, 'deploy', trust);
    await putOtherPolicy(iam, 'deploy', 10_240 - denySize(roleId, ['alice@example.com']) + 1);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => NOW));
    await expect(provider.grant(ctx('g-deny'))).rejects.toMatchObject({
      name: 'GrantRefusedError',
      code: 'aws.session_deny_too_large',
      message: expect.stringMatching(/role deploy's inline policies would be 10,241 characters \(kubiya-jit-session-deny \d+, the others [\d,]+\), over the 10,240 IAM allows/),
    });
    expect(await rawTrust(iam, 'deploy')).toBe(trust);
    expect(await inlinePolicies(iam, 'deploy')).toEqual(['ops-extra']);

    // One character fewer of the operator's policy, and the same grant fits exactly.
    await putOtherPolicy(iam, 'deploy', 10_240 - denySize(roleId, ['alice@example.com']));
    await provider.grant(ctx('g-deny'));
    expect(JSON.parse(await rawTrust(iam, 'deploy')).Statement).toHaveLength(2);
  });

  it('counts the denies every grantee already in the trust policy will need, not only the new one', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    const roleId = await createRole(iam, 'deploy', trustOf(400));
    // Room for Alice's deny, not for Alice's and Carol's together.
    await putOtherPolicy(iam, 'deploy', 10_240 - denySize(roleId, ['alice@example.com']) - 10);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => NOW));
    await provider.grant(ctx('g-alice'));
    // Alice again (the same session name, the same deny) still fits.
    await provider.grant(ctx('g-alice-2'));
    await expect(provider.grant(ctx('g-carol', 'carol@example.com'))).rejects.toMatchObject({ code: 'aws.session_deny_too_large' });
    const sids = JSON.parse(await rawTrust(iam, 'deploy')).Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toHaveLength(3);
  });

  it('at revocation, fails clearly rather than write a session deny IAM would refuse, and writes it once there is room', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const trust = trustOf(400);
    const roleId = await createRole(iam, 'deploy', trust);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => NOW));
    await provider.grant(ctx('g-late'));
    // After the grant, someone fills the role's inline policies.
    await putOtherPolicy(iam, 'deploy', 10_240 - denySize(roleId, ['alice@example.com']) + 5);
    await expect(provider.revoke(ctx('g-late'))).rejects.toMatchObject({
      name: 'UpstreamError',
      code: 'aws.session_deny_too_large',
      message: expect.stringContaining("The deny that ends this grantee's sessions on role deploy could not be written"),
    });
    // The trust statement is gone (no new session), no deny was written, and the removal can be retried.
    expect(JSON.parse(await rawTrust(iam, 'deploy'))).toEqual(JSON.parse(trust));
    expect(await inlinePolicies(iam, 'deploy')).toEqual(['ops-extra']);
    await putOtherPolicy(iam, 'deploy', 1000);
    await provider.revoke(ctx('g-late'));
    const deny = await iam.send(new GetRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny' }));
    expect(JSON.parse(decodeURIComponent(deny.PolicyDocument!)).Statement).toHaveLength(1);
  });
});
