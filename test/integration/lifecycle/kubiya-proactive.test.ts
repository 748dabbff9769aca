import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import type { AuditEvent } from '../../../scripts/core/types.js';
import { startKubiyaEnforcerServer, type KubiyaEnforcerServer } from '../../../scripts/standins/kubiya-enforcer-server.js';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// The stock Kubiya Enforcer (its /requests API, on the labelled stand-in) with a grant asked for before any
// run: "I need create_ec2 in eu-west-1 for an hour". The grant writes nothing at approval; each of the
// person's later denials within its scope is approved for the remaining time, audited, without asking the
// approvers again — when the teammate passes the denial's id, and by the sweep. Nothing out of scope is.

const EU = { region: 'eu-west-1' };

describe('the stock Kubiya Enforcer: an approved grant covers the person\'s later denials', () => {
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

  async function grant(as: string, overrides: Record<string, string> = {}): Promise<string> {
    const asked = await h.request(overrides, as);
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    const approved = await h.approve(id, as === PEOPLE.alice.email ? PEOPLE.bob.email : PEOPLE.alice.email);
    expect(approved.json.status, approved.stdout).toBe('access_granted');
    return id;
  }

  async function stored(): Promise<{ rows: number; events: AuditEvent[] }> {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return { rows: (await store.list({ limit: 10_000 })).length, events: await store.auditEvents() };
    } finally {
      await store.close();
    }
  }

  const passOn = (as: string, enforcerRequestId: string, params = '{}') =>
    h.run(as, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', params, '--justification', 'Run it again under my grant', '--enforcer_request_id', enforcerRequestId]);

  it('writes nothing at approval; a denial the teammate passes on is approved at once, audited, without a new request', async () => {
    const approvalsBefore = enforcer.approvals.length;
    const id = await grant(PEOPLE.dev.email);
    expect(enforcer.approvals).toHaveLength(approvalsBefore);

    const first = enforcer.attemptRun({ userEmail: PEOPLE.dev.email, toolName: 'create_ec2', parameters: EU });
    expect(first.allowed).toBe(false);
    const before = await stored();
    const postsBefore = h.messagesIn(APPROVERS_CHANNEL).length;
    const run = await passOn(PEOPLE.dev.email, first.requestId);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ request_id: id, auto_approved: { enforcer_request_id: first.requestId, under_request_id: id } });
    expect(enforcer.isAllowed(first.requestId)).toBe(true);
    const approval = enforcer.approvals.at(-1) as { id: string; ttl: string; user_email: string };
    expect(approval).toMatchObject({ id: first.requestId, user_email: PEOPLE.alice.email });
    expect(Number(approval.ttl.replace(/s$/, ''))).toBeLessThanOrEqual(3600);
    expect(enforcer.attemptRun({ userEmail: PEOPLE.dev.email, toolName: 'create_ec2', parameters: EU }).allowed).toBe(true);

    // No new request and no new post to the approvers; one audit event on the grant, naming the denial.
    const after = await stored();
    expect(after.rows).toBe(before.rows);
    expect(h.messagesIn(APPROVERS_CHANNEL)).toHaveLength(postsBefore);
    const audited = after.events.filter((e) => e.type === 'enforcer_denial_auto_approved');
    expect(audited.at(-1)).toMatchObject({ requestId: id, data: { grant: id, enforcer_request_id: first.requestId, via: 'request_tool_access' } });
  });

  it('the sweep approves a pending denial an active grant covers, so nobody has to ask twice; the address may differ in case', async () => {
    const id = await grant(PEOPLE.carol.email);
    const denial = enforcer.createDeniedRequest({ userEmail: 'Carol@Example.com', toolName: 'create_ec2', parameters: EU });
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.auto_approved, sweep.stdout).toEqual([denial]);
    expect(enforcer.isAllowed(denial)).toBe(true);
    const { events } = await stored();
    expect(events.filter((e) => e.type === 'enforcer_denial_auto_approved' && e.data.enforcer_request_id === denial)).toEqual([
      expect.objectContaining({ requestId: id, data: expect.objectContaining({ grant: id, via: 'sweep' }) }),
    ]);
    // A second sweep approves nothing again.
    expect((await h.run(undefined, ['sweep'])).json.auto_approved).toEqual([]);
  });

  it('approves nothing out of scope: another tool, other parameters, another person', async () => {
    await grant(PEOPLE.alice.email);
    const otherTool = enforcer.createDeniedRequest({ userEmail: PEOPLE.alice.email, toolName: 'delete_vpc', parameters: EU });
    const otherParams = enforcer.createDeniedRequest({ userEmail: PEOPLE.alice.email, toolName: 'create_ec2', parameters: { region: 'us-east-1' } });
    const extraParam = enforcer.createDeniedRequest({ userEmail: PEOPLE.alice.email, toolName: 'create_ec2', parameters: { ...EU, instance_type: 'p4d.24xlarge' } });
    const otherPerson = enforcer.createDeniedRequest({ userEmail: PEOPLE.mallory.email, toolName: 'create_ec2', parameters: EU });
    const lookAlike = enforcer.createDeniedRequest({ userEmail: '\uff41lice@example.com', toolName: 'create_ec2', parameters: EU });
    const sweep = await h.run(undefined, ['sweep']);
    for (const denial of [otherTool, otherParams, extraParam, otherPerson, lookAlike]) {
      expect(sweep.json.auto_approved).not.toContain(denial);
      expect(enforcer.isAllowed(denial)).toBe(false);
    }
    // Passed on by the teammate, an out-of-scope denial becomes a request of its own for the approvers.
    const asked = await passOn(PEOPLE.alice.email, otherParams);
    expect(asked.code, asked.stdout).toBe(0);
    expect(asked.json).toMatchObject({ status: 'approval_pending', tool_params: { region: 'us-east-1' } });
    expect(asked.json.auto_approved).toBeUndefined();
    expect(enforcer.isAllowed(otherParams)).toBe(false);
  });

  it('approves nothing for a person suspended in the directory since the grant', async () => {
    const id = await grant(PEOPLE.carol.email, { tool_params: '{"region": "us-east-1"}' });
    const config = JSON.parse(readFileSync(h.configPath, 'utf8')) as { directory: { groups: Record<string, unknown[]> } };
    const engineering = config.directory.groups.engineering!;
    engineering[engineering.indexOf(PEOPLE.carol.email)] = { email: PEOPLE.carol.email, status: 'SUSPENDED' };
    h.writeConfig(config as unknown as Record<string, unknown>);
    try {
      const denial = enforcer.createDeniedRequest({ userEmail: PEOPLE.carol.email, toolName: 'create_ec2', parameters: { region: 'us-east-1' } });
      expect((await h.run(undefined, ['sweep'])).json.auto_approved).not.toContain(denial);
      expect(enforcer.isAllowed(denial)).toBe(false);
      expect((await passOn(PEOPLE.carol.email, denial, '{"region": "us-east-1"}')).json.auto_approved).toBeUndefined();
    } finally {
      engineering[engineering.findIndex((m) => typeof m === 'object')] = PEOPLE.carol.email;
      h.writeConfig(config as unknown as Record<string, unknown>);
    }
    expect(id).toMatch(/^req_/);
  });

  it('approves nothing under a grant that has ended at its TTL', async () => {
    const id = await grant(PEOPLE.dev.email, { ttl: '2s', tool_params: '{"region": "us-east-1"}' });
    await sleep(2100);
    expect((await h.run(undefined, ['sweep'])).json.expired).toContain(id);
    const denial = enforcer.createDeniedRequest({ userEmail: PEOPLE.dev.email, toolName: 'create_ec2', parameters: { region: 'us-east-1' } });
    expect((await h.run(undefined, ['sweep'])).json.auto_approved).not.toContain(denial);
    expect(enforcer.isAllowed(denial)).toBe(false);
  });

  it('after an early revoke, says plainly that approved runs last until the TTL, and approves no later denial', async () => {
    const alice = PEOPLE.alice.email;
    const id = await grant(alice, { tool_params: '{"region": "us-east-1"}' });
    const first = enforcer.attemptRun({ userEmail: alice, toolName: 'create_ec2', parameters: { region: 'us-east-1' } });
    expect((await passOn(alice, first.requestId, '{"region": "us-east-1"}')).json.auto_approved).toBeDefined();

    const revoked = await h.run(alice, ['revoke_access', '--request_id', id, '--reason', 'Done early']);
    expect(revoked.json.status, revoked.stdout).toBe('revoked');
    const plain = /cannot withdraw an approval: the runs of create_ec2 it already approved for alice@example\.com stay allowed until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/;
    expect(String(revoked.json.enforcer_approvals_last_until)).toMatch(/^\d{4}-/);
    const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
    expect(h.directMessages().filter((m) => plain.test(text(m)))).not.toHaveLength(0);
    expect(h.messagesIn(APPROVERS_CHANNEL).filter((m) => plain.test(text(m)) && text(m).includes(id))).not.toHaveLength(0);

    // The approval already given stands (the Enforcer cannot withdraw it); a new denial is not approved.
    expect(enforcer.isAllowed(first.requestId)).toBe(true);
    const later = enforcer.createDeniedRequest({ userEmail: alice, toolName: 'create_ec2', parameters: { region: 'us-east-1', note: 'x' } });
    const again = enforcer.createDeniedRequest({ userEmail: alice, toolName: 'create_ec2', parameters: { region: 'us-east-1' } });
    expect((await h.run(undefined, ['sweep'])).json.auto_approved).not.toContain(again);
    expect(enforcer.isAllowed(again)).toBe(false);
    expect(enforcer.isAllowed(later)).toBe(false);
    const passed = await passOn(alice, again, '{"region": "us-east-1"}');
    expect(passed.json.auto_approved).toBeUndefined();
    expect(passed.json.status).toBe('approval_pending');
  });
});
