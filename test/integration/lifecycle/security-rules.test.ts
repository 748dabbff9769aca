import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('security rules, each attacked through the CLI', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  async function rowCount(): Promise<number> {
    const store = SqliteRequestStore.open(h.databasePath);
    const rows = await store.list({ limit: 1000 });
    await store.close();
    return rows.length;
  }

  async function expectRefusedCleanly(run: Promise<{ code: number; json: Record<string, unknown>; stdout: string }>, code: string) {
    const before = { rows: await rowCount(), messages: h.slack.messages.length, grants: Object.keys(h.grants()).length };
    const result = await run;
    expect(result.code, result.stdout).toBe(1);
    expect(result.json.code).toBe(code);
    expect(result.stdout).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    expect(result.stdout).not.toContain(h.slack.token);
    expect({ rows: await rowCount(), messages: h.slack.messages.length, grants: Object.keys(h.grants()).length }).toEqual(before);
    return result;
  }

  it('refuses a TTL over the tool maximum, leaving nothing behind', async () => {
    const result = await expectRefusedCleanly(h.request({ ttl: '5h' }), 'request.ttl_over_maximum');
    expect(result.json.message).toMatch(/maximum for create_ec2, 4h/);
  });

  it('refuses parameters outside the tool schema', async () => {
    await expectRefusedCleanly(h.request({ tool_params: '{"region": "ap-south-1"}' }), 'request.params_invalid');
    await expectRefusedCleanly(h.request({ tool_params: '{"region": "eu-west-1", "role": "admin"}' }), 'request.params_invalid');
    await expectRefusedCleanly(h.request({ tool_params: '{"region": ' }), 'request.params_not_json');
    await expectRefusedCleanly(h.request({ tool_params: '["eu-west-1"]' }), 'request.params_not_object');
  });

  it('refuses a tool that is not in the catalog', async () => {
    const result = await expectRefusedCleanly(h.request({ tool_name: 'delete_everything' }), 'request.unknown_tool');
    expect(result.json.message).toContain('create_ec2');
  });

  it('refuses a request for someone else', async () => {
    await expectRefusedCleanly(h.request({ user_email: PEOPLE.carol.email }), 'request.on_behalf_not_allowed');
  });

  it('refuses a requester outside the allowed groups, and a suspended one', async () => {
    await expectRefusedCleanly(h.request({}, PEOPLE.bob.email), 'request.requester_not_allowed');
    await expectRefusedCleanly(h.request({}, 'sus@example.com'), 'request.requester_not_active');
    await expectRefusedCleanly(h.request({}, 'stranger@example.com'), 'request.requester_not_active');
  });

  it('refuses a request when Slack is not configured, before storing anything', async () => {
    const run = h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region":"eu-west-1"}', '--justification', 'INC-42 repro'], {
      env: { SLACK_API_TOKEN: '' },
    });
    const result = await expectRefusedCleanly(run, 'config.invalid');
    expect(result.json.message).toMatch(/SLACK_API_TOKEN/);
  });

  it('refuses a run with no identity from the runner', async () => {
    await expectRefusedCleanly(h.request({}, ''), 'request.missing_identity');
  });

  it('never lists the requester or an inactive member as an approver', async () => {
    const run = await h.request();
    expect(run.json.approvers).toEqual(['alice@example.com', 'bob@example.com']);
    expect(run.json.approvers).not.toContain(PEOPLE.dev.email);
    expect(run.json.approvers).not.toContain('gone@example.com');
  });

  it('refuses self-approval even from a member of the approver group', async () => {
    const id = (await h.request()).json.request_id as string;
    const result = await h.approve(id, PEOPLE.dev.email);
    expect(result.code).toBe(1);
    expect(result.json.code).toBe('approval.self_approval');
    expect(h.grants()[id]).toBeUndefined();
    const described = await h.run(PEOPLE.alice.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('approval_pending');
    expect((described.json.history as { type: string }[]).map((e) => e.type)).toContain('decision_refused');
  });

  it('refuses approval by someone outside the approver groups', async () => {
    const id = (await h.request()).json.request_id as string;
    const result = await h.approve(id, PEOPLE.carol.email);
    expect(result.json.code).toBe('approval.not_eligible');
    expect(h.grants()[id]).toBeUndefined();
    const reject = await h.approve(id, 'gone@example.com', 'reject');
    expect(reject.json.code).toBe('approval.not_eligible');
  });

  it('caps an approver TTL override at the tool maximum', async () => {
    const id = (await h.request()).json.request_id as string;
    const result = await h.approve(id, PEOPLE.alice.email, 'approve', '12h');
    expect(result.json.code).toBe('request.ttl_over_maximum');
    expect(h.grants()[id]).toBeUndefined();
    const ok = await h.approve(id, PEOPLE.alice.email, 'approve', '30m');
    expect(ok.json).toMatchObject({ status: 'access_granted', ttl_seconds: 1800 });
  });

  it('hides a request from people not involved in it', async () => {
    const id = (await h.request()).json.request_id as string;
    const result = await h.run(PEOPLE.carol.email, ['describe_access_request', '--request_id', id]);
    // The same answer as an id that does not exist: not even the request's existence is carol's to learn.
    expect(result.json.code).toBe('request.not_found');
    expect(result.json.message).toBe(`No request ${id} that you can see. Check the id with list_active_access_requests or view_user_requests.`);
    expect(result.stdout).not.toContain('INC-42');
  });

  it('lets only the requester cancel, and only while pending', async () => {
    const id = (await h.request()).json.request_id as string;
    expect((await h.run(PEOPLE.alice.email, ['cancel_access_request', '--request_id', id])).json.code).toBe('cancel.not_requester');
    const cancel = await h.run(PEOPLE.dev.email, ['cancel_access_request', '--request_id', id, '--reason', 'not needed']);
    expect(cancel.json.status).toBe('cancelled');
    expect((await h.approve(id, PEOPLE.alice.email)).json.code).toBe('approval.already_decided');
  });

  it('rejects unknown arguments and repeated ones instead of guessing', async () => {
    const unknown = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--approver', 'dev@example.com']);
    expect(unknown.json.code).toBe('cli.unknown_argument');
    const twice = await h.run(PEOPLE.dev.email, ['approve_tool_access_request', '--request_id', 'a', '--request_id', 'b']);
    expect(twice.json.code).toBe('cli.repeated_option');
  });
});
