import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

type Block = { type: string; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };
const buttons = (blocks: unknown[] | undefined) => ((blocks ?? []) as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const text = (blocks: unknown[] | undefined) => JSON.stringify(blocks ?? []);

describe('a request from ask to expiry, through the real CLI, Slack and OPA wire protocols', () => {
  let h: LifecycleHarness;
  let requestId: string;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('posts a validated request to the approvers with Approve and Reject buttons', async () => {
    const run = await h.request({ ttl: '3s' });
    expect(run.code, run.stdout).toBe(0);
    requestId = run.json.request_id as string;
    expect(requestId).toMatch(/^req_[0-9a-f]{16}$/);
    expect(run.json).toMatchObject({ status: 'approval_pending', requester: PEOPLE.dev.email, approvers: ['alice@example.com', 'bob@example.com'] });

    const [message] = h.messagesIn();
    expect(message).toBeDefined();
    const [approve, reject] = buttons(message!.blocks);
    expect(approve?.action_id).toBe('agent.process_message_1');
    expect(reject?.action_id).toBe('agent.process_message_2');
    const approveValue = JSON.parse(approve!.value!) as { agent_uuid: string; message: string };
    expect(approveValue.agent_uuid).toBe('6f1c2d3e-0000-4000-8000-00000000a9e1');
    expect(approveValue.message).toContain(requestId);
    expect(approveValue.message).toMatch(/approve_tool_access_request/);
    expect(text(message!.blocks)).toContain('eu-west-1');
    expect(text(message!.blocks)).toContain('Reproduce INC-42');
  });

  it('grants on approval: the Enforcer holds an allow until the expiry, the message and the requester are updated', async () => {
    const run = await h.approve(requestId, PEOPLE.alice.email);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ status: 'access_granted', decided_by: PEOPLE.alice.email });
    const grant = h.grants()[requestId];
    expect(grant).toMatchObject({ user_email: PEOPLE.dev.email, tool_name: 'create_ec2', parameters: { region: 'eu-west-1' }, approved_by: PEOPLE.alice.email });
    expect(Date.parse(grant!.expires_at as string)).toBe(Date.parse(run.json.expires_at as string));

    const message = h.messagesIn()[0]!;
    expect(buttons(message.blocks)).toEqual([]);
    expect(text(message.blocks)).toContain(PEOPLE.alice.email);
    expect(h.directMessages().some((m) => text(m.blocks).includes(requestId) || (m.text ?? '').includes(requestId))).toBe(true);
  });

  it('refuses a second decision, and says who decided', async () => {
    const run = await h.approve(requestId, PEOPLE.bob.email, 'reject');
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ code: 'approval.already_decided' });
    expect(run.json.message).toContain(PEOPLE.alice.email);
  });

  it('ends the access at the TTL: the sweep removes the allow and the request is expired', async () => {
    await sleep(3200);
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.code, sweep.stdout).toBe(0);
    expect(sweep.json.expired).toEqual([requestId]);
    expect(h.grants()[requestId]).toBeUndefined();
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', requestId]);
    expect(described.json.status).toBe('access_expired');
    const history = (described.json.history as { type: string }[]).map((e) => e.type);
    expect(history).toEqual(expect.arrayContaining(['request_created', 'approvers_notified', 'request_approved', 'access_granted', 'expiry_started', 'access_expired']));
    expect(text(h.messagesIn()[0]!.blocks)).toMatch(/expired/i);
  });

  it('keeps an audit log that verifies, and that detects an edit', async () => {
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true });
    const store = SqliteRequestStore.open(h.databasePath);
    store.unsafeExec('DROP TRIGGER audit_events_no_update');
    store.unsafeExec(`UPDATE audit_events SET actor = 'mallory@example.com' WHERE type = 'request_approved'`);
    await store.close();
    const tampered = await h.run(undefined, ['audit', 'verify']);
    expect(tampered.code).toBe(2);
    expect(tampered.json.problem).toMatch(/edited/);
  });
});
