import type { IAMClient} from '@aws-sdk/client-iam';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdentityCenterProvider } from '../../../scripts/adapters/aws/identity-center-provider.js';
import { RoleTrustProvider } from '../../../scripts/adapters/aws/role-trust-provider.js';
import { sessionNameFor } from '../../../scripts/adapters/aws/role-trust-documents.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { memoryLogger, motoClients } from './aws-state.js';
import { createAlice, grantCtx, testCoordination, testSettings, testStore, trustStatements } from './fixtures.js';

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
const T0 = Date.UTC(2029, 5, 1, 12, 0, 0, 250);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
type Doc = { Statement: { Sid?: string; Effect: string; Action: string; Resource: string; Condition: Record<string, Record<string, string>> }[] };

async function createDeployRole(iam: IAMClient, maxSessionSeconds: number): Promise<string> {
  const trust = { Version: '2012-10-17', Statement: [{ Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const out = await iam.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: maxSessionSeconds }));
  return out.Role!.RoleId!;
}

async function denyDocument(iam: IAMClient): Promise<Doc | undefined> {
  try {
    const out = await iam.send(new GetRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny' }));
    return JSON.parse(decodeURIComponent(out.PolicyDocument!)) as Doc;
  } catch {
    return undefined;
  }
}

describe('aws-role-trust: no session outlives its grant', () => {
  it('admits only the session name derived from the grantee (the trust statement, read back)', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createDeployRole(iam, 3600);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination());
    await provider.grant(grantCtx('g-name', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    const ours = (await trustStatements(iam, 'deploy')).filter((s) => String(s.Sid).startsWith('KubiyaJit'));
    expect(ours).toHaveLength(1);
    // moto does not evaluate conditions, so the document is what is checked: a session named anything else
    // fails StringEquals, and the condition sits in the same statement as the principal it admits.
    expect(ours[0]!.Condition).toEqual({
      DateLessThan: { 'aws:CurrentTime': '2030-01-01T12:00:00Z' },
      StringEquals: { 'sts:RoleSessionName': 'alice@example.com' },
    });
    expect(sessionNameFor('Alice@Example.com')).toBe('alice@example.com');
    // Names IAM would refuse as a session name become a stable hash.
    expect(sessionNameFor(`${'x'.repeat(70)}@example.com`)).toMatch(/^kjit-[0-9a-f]{32}$/);
    expect(sessionNameFor('a b@example.com')).toMatch(/^kjit-/);
  });

  it("on revoke denies the grantee's sessions issued before that moment, and the follow-up removes the deny once none can be alive", async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const roleId = await createDeployRole(iam, 7200);
    let now = T0;
    const store = testStore();
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(store, () => now));
    const ctx = grantCtx('g-deny', 'role_trust_grant_deploy', { role_name: 'deploy' });
    await provider.grant(ctx);
    // A session name AWS reports for an assumed role is <role id>:<session name>: the deny's aws:userid.
    const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'deploy' }))).Role!;
    const session = await sts.send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: sessionNameFor(ctx.userEmail) }));
    expect(session.AssumedRoleUser?.AssumedRoleId).toBe(`${roleId}:alice@example.com`);

    now = T0 + 60_000;
    await provider.revoke(ctx);
    expect((await trustStatements(iam, 'deploy')).map((s) => s.Sid)).toEqual(['Ec2']);
    const endAt = Math.ceil(now / 1000) * 1000;
    const removeAfter = endAt + 7200_000 + 5 * 60_000;
    const doc = await denyDocument(iam);
    expect(doc?.Statement).toEqual([
      {
        Sid: expect.stringMatching(/^KubiyaJitDeny[0-9a-f]{24}$/),
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:userid': `${roleId}:alice@example.com` },
          DateLessThan: { 'aws:TokenIssueTime': iso(endAt), 'aws:CurrentTime': iso(removeAfter) },
        },
      },
    ]);
    // The deny covers the moment of revocation, rounded up: no session issued before it escapes.
    expect(endAt).toBeGreaterThanOrEqual(now);
    const [followUp] = await store.listFollowUps();
    expect(followUp).toMatchObject({ provider: 'aws-role-trust', dueAt: Date.parse(iso(removeAfter)), data: { role_name: 'deploy' } });

    // Before the last session can have ended, the follow-up keeps it and says when to come back.
    expect(await provider.followUp({ role_name: 'deploy' }, removeAfter - 1000)).toBe(Date.parse(iso(removeAfter)));
    expect((await denyDocument(iam))?.Statement).toHaveLength(1);
    // After it, the deny is removed, and with it the inline policy.
    expect(await provider.followUp({ role_name: 'deploy' }, removeAfter + 1000)).toBeUndefined();
    expect(await denyDocument(iam)).toBeUndefined();
  });

  it("a second revocation of the same grantee extends the deny, never shortens it, and leaves others' statements", async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const roleId = await createDeployRole(iam, 3600);
    // An operator's own deny in the same inline policy: not the package's, so never touched.
    const theirs = { Sid: 'OpsFreeze', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' };
    await iam.send(new PutRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [theirs] }) }));
    let now = T0;
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => now));
    const first = grantCtx('g-first', 'role_trust_grant_deploy', { role_name: 'deploy' });
    const second = grantCtx('g-second', 'role_trust_grant_deploy', { role_name: 'deploy' });
    await provider.grant(first);
    await provider.grant(second);
    now = T0 + 10 * 60_000;
    await provider.revoke(second);
    now = T0 + 2_000;
    // A retry of an older revocation with an earlier clock cannot pull the end back.
    await provider.revoke(first);
    const statements = (await denyDocument(iam))!.Statement;
    expect(statements[0]).toEqual(theirs);
    expect(statements).toHaveLength(2);
    expect(statements[1]!.Condition.StringEquals).toEqual({ 'aws:userid': `${roleId}:alice@example.com` });
    expect(statements[1]!.Condition.DateLessThan!['aws:TokenIssueTime']).toBe(iso(Math.ceil((T0 + 10 * 60_000) / 1000) * 1000));
    // Long after, the package's deny goes; the operator's stays.
    await provider.followUp({ role_name: 'deploy' }, T0 + 24 * 3600_000);
    expect((await denyDocument(iam))!.Statement).toEqual([theirs]);
  });

  it('tells approvers how long a session lasts and that it is cut at the end', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createDeployRole(iam, 43_200);
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination(testStore(), () => Date.UTC(2030, 0, 1, 11, 0, 0)));
    const preview = await provider.describe(grantCtx('g-preview', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    const text = preview.summary.join('\n');
    expect(text).toContain('only with session name "alice@example.com"');
    expect(text).toContain("lasts up to 12h (its MaxSessionDuration), longer than this grant's 1h");
    expect(text).toContain('an inline deny on the role cuts every "alice@example.com" session issued before then');
  });
});

describe('aws-identity-center: sessions longer than the entry allows', () => {
  async function setup(sessionDuration: string) {
    const { iam, sso, store } = motoClients(moto.endpoint);
    const { ListInstancesCommand, CreatePermissionSetCommand } = await import('@aws-sdk/client-sso-admin');
    const { CreateUserCommand } = await import('@aws-sdk/client-identitystore');
    const instance = (await sso.send(new ListInstancesCommand({}))).Instances![0]!;
    await store.send(new CreateUserCommand({ IdentityStoreId: instance.IdentityStoreId, UserName: 'alice@example.com', DisplayName: 'Alice', Name: { GivenName: 'Alice', FamilyName: 'Doe' } }));
    const set = await sso.send(new CreatePermissionSetCommand({ InstanceArn: instance.InstanceArn, Name: 'Ops', SessionDuration: sessionDuration }));
    const provider = new IdentityCenterProvider(iam, sso, store, testSettings(moto.endpoint), log, testCoordination(testStore(), () => Date.UTC(2030, 0, 1, 11, 0, 0)));
    const described = async () =>
      (await sso.send(new (await import('@aws-sdk/client-sso-admin')).DescribePermissionSetCommand({ InstanceArn: instance.InstanceArn, PermissionSetArn: set.PermissionSet!.PermissionSetArn }))).PermissionSet!
        .SessionDuration;
    return { provider, described };
  }
  const ctx = (extra: Record<string, string | number> = {}) => grantCtx('g-ic', 'jit_session_grant_ops', { account_id: '123456789012', permission_set: 'Ops', max_ttl_seconds: 3600, ...extra });

  it('refuses a 12 h permission set for an entry whose maximum is 1 h, before assigning anything', async () => {
    const { provider } = await setup('PT12H');
    await expect(provider.validate(ctx())).rejects.toMatchObject({ code: 'aws.session_too_long', message: expect.stringContaining('sessions of 12h, longer than') });
    await expect(provider.describe(ctx())).rejects.toMatchObject({ code: 'aws.session_too_long' });
    await expect(provider.grant(ctx())).rejects.toMatchObject({ code: 'aws.session_too_long' });
  });

  it('with long_sessions: cap, shows the cap to approvers and lowers the session duration on grant (read back)', async () => {
    const { provider, described } = await setup('PT12H');
    const preview = await provider.describe(ctx({ long_sessions: 'cap' }));
    expect(preview.summary.join('\n')).toContain("sessions last 12h; on approval kubiya-jit lowers that to 1h for everyone using it");
    expect(preview.documents.sessionDuration).toBe('PT12H');
    await provider.grant(ctx({ long_sessions: 'cap' }));
    expect(await described()).toBe('PT1H');
  });

  it('says how long sessions last when they fit, and that Identity Center cannot cut them', async () => {
    const { provider } = await setup('PT1H');
    const preview = await provider.describe({ ...ctx(), expiresAt: Date.UTC(2030, 0, 1, 11, 30, 0) });
    expect(preview.summary.join('\n')).toContain('Sessions of this permission set last up to 1h (its session duration). A session started before the end keeps working up to 1h after it started, past the grant\'s 30m');
  });
});
