import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../scripts/standins/fault-proxy.js';
import { startMoto, type Moto } from '../../support/moto.js';

let moto: Moto;
let proxy: FaultProxy;
beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});
afterEach(() => proxy.clearRules());

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
// One attempt per call, so each test sees exactly what the proxy answered.
const iam = () => new IAMClient({ endpoint: proxy.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const sso = () => new SSOAdminClient({ endpoint: proxy.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [] });

/** The error a call failed with (the test fails if it succeeded). */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded, but a failure was expected');
}

describe('fault proxy in front of moto', () => {
  it('forwards calls no rule matches, and records their service and action', async () => {
    await iam().send(new CreateRoleCommand({ RoleName: 'fp-plain', AssumeRolePolicyDocument: trust }));
    const out = await iam().send(new GetRoleCommand({ RoleName: 'fp-plain' }));
    expect(out.Role?.RoleName).toBe('fp-plain');
    expect(proxy.calls().slice(-2).map((c) => [c.service, c.action, c.outcome, c.status])).toEqual([
      ['iam', 'CreateRole', 'forwarded', 200],
      ['iam', 'GetRole', 'forwarded', 200],
    ]);
  });

  it('throttles an IAM call the way IAM does, and the SDK reports Throttling', async () => {
    proxy.addRule({ service: 'iam', action: 'GetRole', effect: { kind: 'throttle', retryAfterSeconds: 2 }, times: 1 });
    const err = await failure(iam().send(new GetRoleCommand({ RoleName: 'fp-plain' })));
    expect(err.name).toBe('Throttling');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    // The rule was for one call only.
    expect((await iam().send(new GetRoleCommand({ RoleName: 'fp-plain' }))).Role?.RoleName).toBe('fp-plain');
  });

  it('fails JSON-protocol calls with the JSON error shape', async () => {
    proxy.addRule({ service: 'sso', effect: { kind: 'fail' }, times: 1 });
    const err = await failure(sso().send(new ListInstancesCommand({})));
    expect(err.name).toBe('InternalServerException');
    expect((await sso().send(new ListInstancesCommand({}))).Instances?.length).toBeGreaterThan(0);
  });

  it('fails every matching call inside a time window and none after it', async () => {
    const until = Date.now() + 400;
    proxy.addRule({ action: /^(Get|List)Role/, effect: { kind: 'fail' }, untilMs: until });
    await expect(iam().send(new GetRoleCommand({ RoleName: 'fp-plain' }))).rejects.toThrow();
    await expect(iam().send(new GetRoleCommand({ RoleName: 'fp-plain' }))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 20));
    expect((await iam().send(new GetRoleCommand({ RoleName: 'fp-plain' }))).Role?.RoleName).toBe('fp-plain');
  });

  it('holds a call until it is released, so a test can interleave two writers', async () => {
    proxy.addRule({ action: 'CreateRole', effect: { kind: 'hold' }, times: 1 });
    let done = false;
    const pending = iam()
      .send(new CreateRoleCommand({ RoleName: 'fp-held', AssumeRolePolicyDocument: trust }))
      .then(() => (done = true));
    const [held] = await proxy.waitForHeld(1);
    expect(held?.action).toBe('CreateRole');
    // Held: moto has not seen it.
    await expect(iam().send(new GetRoleCommand({ RoleName: 'fp-held' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(done).toBe(false);
    proxy.releaseAll();
    await pending;
    expect((await iam().send(new GetRoleCommand({ RoleName: 'fp-held' }))).Role?.RoleName).toBe('fp-held');
  });

  it('cuts the connection, which the SDK sees as a network error', async () => {
    proxy.addRule({ action: 'GetRole', effect: { kind: 'cut' }, times: 1 });
    const err = await failure(iam().send(new GetRoleCommand({ RoleName: 'fp-plain' })));
    expect(err.name).not.toBe('NoSuchEntityException');
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(proxy.calls().at(-1)?.outcome).toBe('cut');
  });
});
