import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PROVIDER_NAMES, createAwsProvider } from '../../../scripts/adapters/aws/create-aws-provider.js';
import { ConfigError } from '../../../scripts/core/errors.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { memoryLogger, motoClients } from './aws-state.js';
import { attachedPolicies, createAlice, grantCtx, testCoordination, testSettings } from './fixtures.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('createAwsProvider', () => {
  it('builds every AWS provider under its own name', async () => {
    for (const name of AWS_PROVIDER_NAMES) {
      const provider = await createAwsProvider(name, testSettings(moto.endpoint), memoryLogger(), testCoordination());
      expect(provider.name).toBe(name);
      expect(typeof provider.validate).toBe('function');
      expect(typeof provider.describe).toBe('function');
    }
  });

  it('refuses a name it does not know', async () => {
    await expect(createAwsProvider('aws-nope', testSettings(moto.endpoint), memoryLogger(), testCoordination())).rejects.toBeInstanceOf(ConfigError);
  });

  it('gives providers whose clients reach the configured endpoint', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    const provider = await createAwsProvider('aws-s3', testSettings(moto.endpoint), memoryLogger(), testCoordination());
    const ctx = grantCtx('factory-grant', 's3_grant_x', { policy_template: 'S3ReadOnlyPolicy', buckets: ['b1'] });
    await provider.grant(ctx);
    expect(await attachedPolicies(iam, 'alice')).toHaveLength(1);
    await provider.revoke(ctx);
    expect(await attachedPolicies(iam, 'alice')).toHaveLength(0);
  });
});
