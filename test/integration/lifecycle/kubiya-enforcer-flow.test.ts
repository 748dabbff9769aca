import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubiyaEnforcerServer, type KubiyaEnforcerServer } from '../../../scripts/standins/kubiya-enforcer-server.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('a request that began as a Kubiya Enforcer denial ("Access denied. Request ID: …")', () => {
  let enforcer: KubiyaEnforcerServer;
  let h: LifecycleHarness;

  beforeAll(async () => {
    enforcer = await startKubiyaEnforcerServer();
    h = await LifecycleHarness.start((config) => {
      config.enforcer = { type: 'kubiya', url: enforcer.url };
    });
  });
  afterAll(async () => {
    await h.close();
    await enforcer.close();
  });

  const ask = (as: string, enforcerRequestId: string, extra: Record<string, string> = {}) =>
    h.run(as, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{}', '--justification', 'Denied run in INC-42', '--enforcer_request_id', enforcerRequestId, ...Object.entries(extra).flatMap(([k, v]) => [`--${k}`, v])]);

  async function rows(): Promise<number> {
    const store = SqliteRequestStore.open(h.databasePath);
    const count = (await store.list({ limit: 1000 })).length;
    await store.close();
    return count;
  }

  it('requests exactly the denied run, and approval lets it through for the TTL in the approver\'s name', async () => {
    const denied = enforcer.createDeniedRequest({ userEmail: PEOPLE.dev.email, toolName: 'create_ec2', parameters: { region: 'eu-west-1' } });
    const run = await ask(PEOPLE.dev.email, denied);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.tool_params).toEqual({ region: 'eu-west-1' });
    expect(enforcer.isAllowed(denied)).toBe(false);
    const approve = await h.approve(run.json.request_id as string, PEOPLE.alice.email);
    expect(approve.code, approve.stdout).toBe(0);
    expect(enforcer.isAllowed(denied)).toBe(true);
    const approval = enforcer.approvals.at(-1) as { id: string; ttl: string; user_email: string };
    expect(approval.id).toBe(denied);
    expect(approval.user_email).toBe(PEOPLE.alice.email);
    expect(Number(approval.ttl.replace(/s$/, ''))).toBeGreaterThan(3500);
    expect(Number(approval.ttl.replace(/s$/, ''))).toBeLessThanOrEqual(3600);
  });

  it('refuses someone else\'s denied run, another tool\'s, or other parameters, storing nothing', async () => {
    const before = await rows();
    const mallorys = enforcer.createDeniedRequest({ userEmail: PEOPLE.mallory.email, toolName: 'create_ec2', parameters: { region: 'eu-west-1' } });
    expect((await ask(PEOPLE.dev.email, mallorys)).json.code).toBe('request.enforcer_request_not_yours');
    const other = enforcer.createDeniedRequest({ userEmail: PEOPLE.dev.email, toolName: 'delete_vpc', parameters: {} });
    expect((await ask(PEOPLE.dev.email, other)).json.code).toBe('request.enforcer_request_other_tool');
    const mine = enforcer.createDeniedRequest({ userEmail: PEOPLE.dev.email, toolName: 'create_ec2', parameters: { region: 'eu-west-1' } });
    const widened = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region":"us-east-1"}', '--justification', 'x y z', '--enforcer_request_id', mine]);
    expect(widened.json.code).toBe('request.enforcer_request_other_params');
    expect((await ask(PEOPLE.dev.email, 'no-such-request')).json.code).toBe('enforcer.request_not_found');
    expect((await ask(PEOPLE.dev.email, '$(id)')).json.code).toBe('request.invalid_enforcer_request_id');
    expect(await rows()).toBe(before);
  });
});

describe('enforcer_request_id with an Enforcer that keeps no denials', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('is refused with a clear reason', async () => {
    const run = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region":"eu-west-1"}', '--justification', 'x y z', '--enforcer_request_id', 'abc-123']);
    expect(run.json.code).toBe('request.enforcer_request_unsupported');
    expect(h.slack.messages).toHaveLength(0);
  });
});
