import { afterAll, beforeAll, describe } from 'vitest';
import { DynamicPolicyProvider } from '../../../scripts/adapters/aws/dynamic-policy-provider.js';
import { IamPolicyProvider } from '../../../scripts/adapters/aws/iam-policy-provider.js';
import { IdentityCenterProvider } from '../../../scripts/adapters/aws/identity-center-provider.js';
import { RoleTrustProvider } from '../../../scripts/adapters/aws/role-trust-provider.js';
import type { Json } from '../../../scripts/core/types.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { jitResources, memoryLogger, motoClients } from './aws-state.js';
import {
  ACCOUNT,
  attachedPolicies,
  createAlice,
  createManagedPolicy,
  createRole,
  grantCtx,
  hasAssignment,
  setupIdentityCenter,
  testCoordination,
  testSettings,
  trustStatements,
  UNKNOWN,
  UNMAPPABLE,
} from './fixtures.js';
import { providerContract, type ProviderFixture } from './provider-contract.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const local = (email: string) => email.split('@')[0]!;
const log = memoryLogger();

describe('aws-iam-policy', () => {
  providerContract((): ProviderFixture => {
    const { iam } = motoClients(moto.endpoint);
    const settings = { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT };
    const arn = `arn:aws:iam::${ACCOUNT}:policy/DbReadOnly`;
    let coordination = testCoordination();
    const make = () => new IamPolicyProvider(iam, testSettings(moto.endpoint), log, coordination);
    return {
      async setup() {
        await moto.reset();
        coordination = testCoordination();
        await createAlice(iam);
        await createManagedPolicy(iam, 'DbReadOnly');
      },
      provider: make,
      ctx: (id, email) => grantCtx(id, 'request_db_read_only', settings, email),
      unknownEmail: UNKNOWN,
      unmappableEmail: UNMAPPABLE,
      hasAccess: async (email = 'alice@example.com') => (await attachedPolicies(iam, local(email))).includes(arn),
      // Holds live in the store now: they are part of what the package leaves.
      footprint: async () => [...(await jitResources(iam)), ...(await coordination.store.listHolds()).map((h) => `hold:${h.grantId}`)],
      // The hold is written, then the attach fails because IAM has no such user.
      halfway: async () => ({ provider: make(), ctx: grantCtx('grant-half', 'request_db_read_only', settings, UNKNOWN) }),
    };
  });
});

const variants: { name: 'aws-iam-dynamic' | 'aws-s3'; settings: Record<string, Json>; tool: string }[] = [
  { name: 'aws-iam-dynamic' as const, settings: { template: 'ReadJobsQueue', account_id: ACCOUNT }, tool: 'iam_grant_jobs' },
  { name: 'aws-s3' as const, settings: { policy_template: 'S3ReadOnlyPolicy', buckets: ['reports', 'exports'] }, tool: 's3_grant_reports' },
];
for (const variant of variants) {
  describe(variant.name, () => {
    providerContract((): ProviderFixture => {
      const { iam } = motoClients(moto.endpoint);
      const aws = testSettings(moto.endpoint, {
        policyTemplates: { ReadJobsQueue: { description: 'Read the jobs queue', statements: [{ actions: ['sqs:ReceiveMessage'], resources: ['arn:aws:sqs:*:{account_id}:jobs'] }] } },
      });
      const make = () => new DynamicPolicyProvider(variant.name, iam, aws, log);
      return {
        async setup() {
          await moto.reset();
          await createAlice(iam);
        },
        provider: make,
        ctx: (id, email) => grantCtx(id, variant.tool, variant.settings, email),
        unknownEmail: UNKNOWN,
        unmappableEmail: UNMAPPABLE,
        hasAccess: async (email = 'alice@example.com') => (await attachedPolicies(iam, local(email))).some((arn) => arn.includes(':policy/kubiya-jit/')),
        footprint: () => jitResources(iam),
        // The policy is created, then the attach fails because IAM has no such user.
        halfway: async () => ({ provider: make(), ctx: grantCtx('grant-half', variant.tool, variant.settings, UNKNOWN) }),
      };
    });
  });
}

describe('aws-identity-center', () => {
  providerContract((): ProviderFixture => {
    const { iam, sso, store } = motoClients(moto.endpoint);
    const settings = { account_id: ACCOUNT, permission_set: 'ECRReadOnly' };
    let ids = { instanceArn: '', storeId: '' };
    let coordination = testCoordination();
    const make = (failCreate = false) =>
      new IdentityCenterProvider(iam, sso, store, testSettings(moto.endpoint), log, coordination, {
        sleep: async () => {},
        // AWS can report FAILED after accepting the request; moto never does, so play it here.
        observeStatus: (operation, status) => (failCreate && operation === 'create' ? { status: 'FAILED', failureReason: 'Permission set not provisioned' } : status),
      });
    return {
      async setup() {
        await moto.reset();
        coordination = testCoordination();
        ids = await setupIdentityCenter(sso, store, 'ECRReadOnly');
      },
      provider: () => make(),
      ctx: (id, email) => grantCtx(id, 'jit_session_grant_ecr', settings, email),
      unknownEmail: UNKNOWN,
      unmappableEmail: UNMAPPABLE,
      hasAccess: (email = 'alice@example.com') => hasAssignment(sso, store, ids.instanceArn, ids.storeId, email),
      footprint: async () => [...(await jitResources(iam)), ...(await coordination.store.listHolds()).map((h) => `hold:${h.grantId}`)],
      halfway: async () => ({ provider: make(true), ctx: grantCtx('grant-half', 'jit_session_grant_ecr', settings) }),
    };
  });
});

describe('aws-role-trust', () => {
  providerContract((): ProviderFixture => {
    const { iam } = motoClients(moto.endpoint);
    const settings = { role_name: 'deploy' };
    const coordination = testCoordination();
    return {
      async setup() {
        await moto.reset();
        await createAlice(iam);
        await createRole(iam, 'deploy');
      },
      provider: () => new RoleTrustProvider(iam, testSettings(moto.endpoint), log, coordination),
      ctx: (id, email) => grantCtx(id, 'role_trust_grant_deploy', settings, email),
      unknownEmail: UNKNOWN,
      unmappableEmail: UNMAPPABLE,
      hasAccess: async (email = 'alice@example.com') =>
        (await trustStatements(iam, 'deploy')).some((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: `arn:aws:iam::${ACCOUNT}:user/${local(email)}` })),
      footprint: async () => [
        ...(await jitResources(iam)),
        ...(await trustStatements(iam, 'deploy')).map((s) => String(s.Sid)).filter((sid) => sid.startsWith('KubiyaJit')),
      ],
      halfway: { singleWrite: 'one UpdateAssumeRolePolicy call: it either happens or does not' },
    };
  });
});
