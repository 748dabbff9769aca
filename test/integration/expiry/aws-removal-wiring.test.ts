import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../../scripts/adapters/aws/create-aws-provider.js';
import { awsRemovalPin, createAwsRemovalProvider } from '../../../scripts/adapters/aws/removal-wiring.js';
import { UpstreamError } from '../../../scripts/core/errors.js';
import { retryHint } from '../../../scripts/core/retry-schedule.js';
import { startFaultProxy, type FaultProxy } from '../../../scripts/standins/fault-proxy.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { memoryLogger, motoClients } from '../aws/aws-state.js';
import { ACCOUNT, attachedPolicies, createAlice, createManagedPolicy, grantCtx, testCoordination, testSettings } from '../aws/fixtures.js';

/**
 * The AWS side of removal: what a grant pins for it, the short-lived SDK clients it runs with, and the retry
 * hints its failures carry. Against moto, through the fault proxy.
 */
describe('removing AWS grants with what they recorded', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  const log = memoryLogger();
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });
  afterEach(async () => {
    proxy.clearRules();
    proxy.releaseAll();
    await moto.reset();
  });

  const settings = { policy_name: 'DbReadOnly', aws_account_id: ACCOUNT };
  // Grants and removals coordinate through one store (the holds on shared access live there).
  let coordination = testCoordination();
  afterEach(() => {
    coordination = testCoordination();
  });
  const arn = `arn:aws:iam::${ACCOUNT}:policy/DbReadOnly`;

  it('removes from the principal recorded at grant time, whatever the mapping says today', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createManagedPolicy(iam, 'DbReadOnly');
    const granting = testSettings(proxy.url);
    const ctx = grantCtx('grant-pinned', 'request_db_read_only', settings);
    await (await createAwsProvider('aws-iam-policy', granting, log, coordination)).grant(ctx);
    const pin = awsRemovalPin('aws-iam-policy', granting, ctx);
    expect(pin).toMatchObject({ iam_user: 'alice', region: 'us-east-1', endpoint: proxy.url });
    // Today the mapping would name someone else, and allow no domain of the grantee's: the pin still decides.
    const today = testSettings(proxy.url, { principals: { ...granting.principals, iamUser: '{local}-renamed', allowedDomains: ['elsewhere.test'] } });
    await (await createAwsRemovalProvider('aws-iam-policy', today, pin, ctx, log, coordination)).revoke(ctx);
    expect(await attachedPolicies(iam, 'alice')).not.toContain(arn);
  });

  it('removes with the recorded region and endpoint when today’s aws section cannot be read', async () => {
    const { iam } = motoClients(moto.endpoint);
    await createAlice(iam);
    await createManagedPolicy(iam, 'DbReadOnly');
    const ctx = grantCtx('grant-no-config', 'request_db_read_only', settings);
    const granting = testSettings(proxy.url);
    await (await createAwsProvider('aws-iam-policy', granting, log, coordination)).grant(ctx);
    expect(await attachedPolicies(iam, 'alice')).toContain(arn);
    await (await createAwsRemovalProvider('aws-iam-policy', undefined, awsRemovalPin('aws-iam-policy', granting, ctx), ctx, log, coordination)).revoke(ctx);
    expect(await attachedPolicies(iam, 'alice')).not.toContain(arn);
  });

  it('gives up on a call AWS never answers within seconds, instead of hanging the removal', async () => {
    const ctx = grantCtx('grant-hung', 'request_db_read_only', settings);
    const pin = awsRemovalPin('aws-iam-policy', testSettings(proxy.url), ctx);
    proxy.addRule({ service: 'iam', effect: { kind: 'hold' } });
    const started = Date.now();
    const provider = await createAwsRemovalProvider('aws-iam-policy', testSettings(proxy.url), pin, ctx, log, coordination);
    await expect(provider.revoke(ctx)).rejects.toBeInstanceOf(UpstreamError);
    // Two attempts of 5 s each; an SDK client without timeouts would wait for ever. Generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(proxy.calls().filter((c) => c.outcome === 'hold')).toHaveLength(2);
  }, 60_000);

  it('marks throttling and carries AWS’s Retry-After to the retry schedule', async () => {
    const ctx = grantCtx('grant-throttled', 'request_db_read_only', settings);
    const pin = awsRemovalPin('aws-iam-policy', testSettings(proxy.url), ctx);
    proxy.addRule({ service: 'iam', effect: { kind: 'throttle', retryAfterSeconds: 3 } });
    const provider = await createAwsRemovalProvider('aws-iam-policy', testSettings(proxy.url), pin, ctx, log, coordination);
    const err = await provider.revoke(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(retryHint(err)).toEqual({ throttled: true, retryAfterMs: 3_000 });
  }, 60_000);
});
