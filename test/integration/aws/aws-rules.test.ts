import { createServer, type Server } from 'node:http';
import { AttachUserPolicyCommand, GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamicPolicyProvider } from '../../../scripts/adapters/aws/dynamic-policy-provider.js';
import { IamPolicyProvider } from '../../../scripts/adapters/aws/iam-policy-provider.js';
import { IdentityCenterProvider } from '../../../scripts/adapters/aws/identity-center-provider.js';
import { RoleTrustProvider } from '../../../scripts/adapters/aws/role-trust-provider.js';
import type { OperationStatus } from '../../../scripts/adapters/aws/assignment-poller.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { jitResources, memoryLogger, motoClients } from './aws-state.js';
import { ACCOUNT, attachedPolicies, createAlice, createManagedPolicy, createRole, grantCtx, hasAssignment, setupIdentityCenter, testCoordination, testSettings, trustStatements } from './fixtures.js';
import { CreateRoleCommand } from '@aws-sdk/client-iam';

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
const EXPIRY = '2030-01-01T12:00:00Z';

async function grantDocuments(iam: IAMClient): Promise<{ Statement: { Condition?: Record<string, Record<string, string>> }[] }[]> {
  const listed = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/kubiya-jit/' }));
  const documents = [];
  for (const policy of listed.Policies ?? []) {
    const meta = await iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }));
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: meta.Policy!.DefaultVersionId }));
    documents.push(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)));
  }
  return documents;
}

describe('every statement the package writes ends itself at the expiry', () => {
  it('holds for the dynamic and S3 policies, read back from IAM', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const aws = testSettings(moto.endpoint, {
      policyTemplates: { TwoStatements: { description: 'two', statements: [{ actions: ['sqs:ReceiveMessage'], resources: ['*'] }, { actions: ['sns:Publish'], resources: ['*'] }] } },
    });
    await new DynamicPolicyProvider('aws-iam-dynamic', iam, aws, log).grant(grantCtx('g-dyn', 'iam_grant_two', { template: 'TwoStatements' }));
    await new DynamicPolicyProvider('aws-s3', iam, aws, log).grant(grantCtx('g-s3', 's3_grant_full', { policy_template: 'S3FullAccessPolicy', buckets: ['a', 'b'] }));
    const documents = await grantDocuments(iam);
    expect(documents).toHaveLength(2);
    const statements = documents.flatMap((d) => d.Statement);
    // Two from the config template; the S3 template's allow and its two denies (permission management).
    expect(statements).toHaveLength(5);
    for (const statement of statements) expect(statement.Condition?.DateLessThan?.['aws:CurrentTime']).toBe(EXPIRY);
    // The S3 template's denies, as IAM holds them: the buckets' permissions cannot be changed by the grantee.
    const denies = statements.filter((s) => (s as { Effect?: string }).Effect === 'Deny') as { Action: string[]; Resource: string[] }[];
    expect(denies).toHaveLength(2);
    expect(denies[0]!.Action).toContain('s3:PutBucketPolicy');
    expect(denies[0]!.Resource).toEqual(['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::a/*', 'arn:aws:s3:::b/*']);
    expect(denies[1]!.Action).toEqual(expect.arrayContaining(['s3:PutAccessPointPolicy', 'iam:AttachUserPolicy', 'iam:CreateAccessKey']));
  });

  it('holds for the role trust statement', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createRole(iam, 'deploy');
    await new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination()).grant(grantCtx('g-trust', 'role_trust_grant_deploy', { role_name: 'deploy' }));
    const ours = (await trustStatements(iam, 'deploy')).filter((s) => String(s.Sid).startsWith('KubiyaJit'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.Condition).toEqual({ DateLessThan: { 'aws:CurrentTime': EXPIRY }, StringEquals: { 'sts:RoleSessionName': 'alice@example.com' } });
  });
});

describe('an over-size policy document', () => {
  let server: Server;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is refused before any AWS call', async () => {
    const address = server.address() as { port: number };
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${address.port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const buckets = Array.from({ length: 120 }, (_, i) => `a-rather-long-bucket-name-number-${i}`);
    const provider = new DynamicPolicyProvider('aws-s3', iam, testSettings('unused'), log);
    const ctx = grantCtx('g-big', 's3_grant_many', { policy_template: 'S3ReadOnlyPolicy', buckets });
    await expect(provider.grant(ctx)).rejects.toMatchObject({ code: 'aws.policy_too_large' });
    await expect(provider.validate(ctx)).rejects.toMatchObject({ code: 'aws.policy_too_large' });
    expect(hits).toBe(0);
  });
});

describe('aws-role-trust', () => {
  it('leaves every other statement exactly as it was', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const original = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Sid: 'Ci', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ci` }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } },
      ],
    };
    await iam.send(new CreateRoleCommand({ RoleName: 'shared', AssumeRolePolicyDocument: JSON.stringify(original) }));
    const provider = new RoleTrustProvider(iam, testSettings(moto.endpoint), log, testCoordination());
    const a = grantCtx('g-a', 'role_trust_grant_shared', { role_name: 'shared' });
    await provider.grant(a);
    expect(await trustStatements(iam, 'shared')).toHaveLength(3);
    await provider.revoke(a);
    expect(await trustStatements(iam, 'shared')).toEqual(original.Statement);
  });
});

describe('aws-iam-policy', () => {
  it('never detaches an attachment that existed before the grant (standing access)', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const arn = await createManagedPolicy(iam, 'DbReadOnly');
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    const provider = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, testCoordination());
    const ctx = grantCtx('g-standing', 'request_db', { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT });
    await provider.grant(ctx);
    await provider.revoke(ctx);
    expect(await attachedPolicies(iam, 'alice')).toEqual([arn]);
    expect(await jitResources(iam)).toEqual([]);
  });

  it('does not let an expired, never-revoked grant keep the access alive', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const arn = await createManagedPolicy(iam, 'DbReadOnly');
    const settings = { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT };
    const now = Date.UTC(2029, 0, 1);
    const provider = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, testCoordination(undefined, () => now));
    const stale = { ...grantCtx('g-stale', 'request_db', settings), expiresAt: now - 60_000 };
    const live = grantCtx('g-live', 'request_db', settings);
    await provider.grant(stale);
    await provider.grant(live);
    await provider.revoke(live);
    expect(await attachedPolicies(iam, 'alice')).not.toContain(arn);
  });

  it('refuses a policy that does not exist, naming it', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const provider = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, testCoordination());
    const ctx = grantCtx('g-nopolicy', 'request_x', { policy_name: 'NoSuchPolicy', aws_account_id: ACCOUNT });
    await expect(provider.validate(ctx)).rejects.toMatchObject({ code: 'aws.policy_not_found', message: expect.stringContaining('NoSuchPolicy') });
  });
});

describe('aws-identity-center waits for AWS', () => {
  it('polls IN_PROGRESS until SUCCEEDED, for the assignment and its deletion', async () => {
    const { iam, sso, store } = motoClients(moto.endpoint);
    const ids = await setupIdentityCenter(sso, store, 'ECRReadOnly');
    const seen: string[] = [];
    const pending = { create: 2, delete: 1 };
    const sleeps: number[] = [];
    const provider = new IdentityCenterProvider(iam, sso, store, testSettings(moto.endpoint), log, testCoordination(), {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      observeStatus: (operation, status): OperationStatus => {
        const play = pending[operation] > 0 ? (pending[operation]--, { status: 'IN_PROGRESS' }) : status;
        seen.push(`${operation}:${play.status}`);
        return play;
      },
    });
    const ctx = grantCtx('g-wait', 'jit_session_grant_ecr', { account_id: ACCOUNT, permission_set: 'ECRReadOnly' });
    await provider.grant(ctx);
    expect(seen).toEqual(['create:IN_PROGRESS', 'create:IN_PROGRESS', 'create:SUCCEEDED']);
    expect(await hasAssignment(sso, store, ids.instanceArn, ids.storeId, 'alice@example.com')).toBe(true);
    await provider.revoke(ctx);
    expect(seen.slice(3)).toEqual(['delete:IN_PROGRESS', 'delete:SUCCEEDED']);
    expect(sleeps).toEqual([1, 2, 1]);
    expect(await hasAssignment(sso, store, ids.instanceArn, ids.storeId, 'alice@example.com')).toBe(false);
  });

  it('refuses a permission set that does not exist, before assigning anything', async () => {
    const { iam, sso, store } = motoClients(moto.endpoint);
    const ids = await setupIdentityCenter(sso, store, 'ECRReadOnly');
    const provider = new IdentityCenterProvider(iam, sso, store, testSettings(moto.endpoint), log, testCoordination());
    const ctx = grantCtx('g-nops', 'jit_session_grant_x', { account_id: ACCOUNT, permission_set: 'Nope' });
    await expect(provider.grant(ctx)).rejects.toMatchObject({ code: 'aws.permission_set_not_found' });
    expect(await hasAssignment(sso, store, ids.instanceArn, ids.storeId, 'alice@example.com')).toBe(false);
    expect(await jitResources(iam)).toEqual([]);
  });
});

describe('two revocations of the same shared access at the same moment', () => {
  it('end the access: the store lock serialises them, and the second finds no other hold', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const arn = await createManagedPolicy(iam, 'DbReadOnly');
    const settings = { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT };
    const a = grantCtx('g-race-a', 'request_db', settings);
    const b = grantCtx('g-race-b', 'request_db', settings);
    const coordination = testCoordination();
    // Two providers (two runs) sharing one store, as two processes on one volume do.
    const one = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, coordination);
    const two = new IamPolicyProvider(iam, testSettings(moto.endpoint), log, coordination);
    await one.grant(a);
    await two.grant(b);
    expect(await attachedPolicies(iam, 'alice')).toEqual([arn]);
    await Promise.all([one.revoke(a), two.revoke(b)]);
    expect(await attachedPolicies(iam, 'alice')).toEqual([]);
    expect(await coordination.store.listHolds()).toEqual([]);
  });
});
