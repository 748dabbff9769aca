import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { baseConfig, LifecycleHarness, PEOPLE, type CliRun } from '../../support/lifecycle-harness.js';
import { groupsApproveAtOnce } from '../../support/race-scenarios.js';

// Requests that need more than one approval, through the real CLI run as separate processes: one approval
// from each of several groups (`approvals.each_group`, as a namespace's owners are for Kubernetes) and
// several people from one group (`approvals.required`). In the harness directory `platform-approvers` is
// alice, bob, dev (the requester here) and a deprovisioned member; this file adds pat to it, and a
// `security-approvers` group of erin, frank and alice.

const ERIN = 'erin@example.com';
const FRANK = 'frank@example.com';
const PAT = 'pat@example.com';

function configure(config: Record<string, unknown>): void {
  const groups = (config.directory as { groups: Record<string, unknown[]> }).groups;
  groups['platform-approvers']!.push(PAT);
  groups['security-approvers'] = [ERIN, FRANK, PEOPLE.alice.email];
  (config.tools as unknown[]).push(
    { name: 'rotate_keys', description: 'Rotate the signing keys', approver_groups: ['platform-approvers', 'security-approvers'], approvals: { each_group: true } },
    { name: 'drop_table', description: 'Drop a table', approver_groups: ['platform-approvers'], approvals: { required: 2 } },
  );
}

describe('requests that need several approvals', () => {
  let h: LifecycleHarness;
  beforeEach(async () => {
    h = await LifecycleHarness.start(configure);
  });
  afterEach(async () => h.close());

  const ask = (tool: string, extra: Record<string, string> = {}) => h.request({ tool_name: tool, tool_params: '{}', ...extra });
  async function requested(tool: string, extra: Record<string, string> = {}): Promise<string> {
    const run = await ask(tool, extra);
    expect(run.code, run.stdout).toBe(0);
    return run.json.request_id as string;
  }
  async function stored(id: string) {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return { request: await store.get(id), events: await store.auditEvents({ requestId: id }) };
    } finally {
      await store.close();
    }
  }
  const lastUpdateText = () => JSON.stringify(h.messagesIn().at(-1)?.blocks ?? []);

  it('one approval from each group: the first leaves it pending with nothing granted, the second grants', async () => {
    const id = await requested('rotate_keys');
    const requestedJson = (await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id])).json;
    expect(JSON.stringify(requestedJson)).toContain('security-approvers');

    const first = await h.approve(id, PEOPLE.bob.email);
    expect(first.code, first.stdout).toBe(0);
    expect(first.json.status).toBe('approval_pending');
    expect(h.grants()[id]).toBeUndefined();
    const approvals = first.json.approvals as { requirement: string; met: boolean; approved_by: { approver: string }[] }[];
    expect(approvals.map((a) => [a.requirement, a.met])).toEqual([
      ['platform-approvers', true],
      ['security-approvers', false],
    ]);
    expect(approvals[0]!.approved_by.map((a) => a.approver)).toEqual([PEOPLE.bob.email]);
    const human = await h.runText(PEOPLE.bob.email, ['describe_access_request', '--request_id', id]);
    expect(human.stdout).toMatch(/platform-approvers: approved by bob@example.com/);
    expect(human.stdout).toMatch(/security-approvers: waiting/);

    // The message in the approvers' channel shows each group's state, and still has its buttons.
    await h.run(undefined, ['sweep']);
    expect(lastUpdateText()).toMatch(/platform-approvers\*: approved by bob@example.com/);
    expect(lastUpdateText()).toMatch(/security-approvers\*: waiting/);

    const second = await h.approve(id, ERIN);
    expect(second.json.status, second.stdout).toBe('access_granted');
    expect(h.grants()[id]).toBeDefined();
    const { request, events } = await stored(id);
    expect(request?.approvals?.map((a) => [a.approver, a.counts])).toEqual([
      [PEOPLE.bob.email, ['platform-approvers']],
      [ERIN, ['security-approvers']],
    ]);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['approval_recorded', 'request_approved', 'access_granted']));
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('an approver cannot count twice, nor approve for a group that has already approved', async () => {
    const id = await requested('rotate_keys');
    expect((await h.approve(id, PEOPLE.bob.email)).json.status).toBe('approval_pending');
    const again = await h.approve(id, PEOPLE.bob.email);
    expect(again.json.code, again.stdout).toBe('approval.already_given');
    const colleague = await h.approve(id, PAT);
    expect(colleague.json.code, colleague.stdout).toBe('approval.requirement_met');
    expect(colleague.json.message).toContain('security-approvers');
    const { request } = await stored(id);
    expect(request?.status).toBe('approval_pending');
    expect(request?.approvals).toHaveLength(1);
    expect(h.grants()[id]).toBeUndefined();
  });

  it('the requester cannot approve for any group, even one they belong to', async () => {
    const id = await requested('rotate_keys');
    const self = await h.approve(id, PEOPLE.dev.email);
    expect(self.json.code, self.stdout).toBe('approval.self_approval');
    // Someone in neither group cannot approve for either.
    const outsider = await h.approve(id, PEOPLE.carol.email);
    expect(outsider.json.code).toBe('approval.not_eligible');
    expect((await stored(id)).request?.approvals).toEqual([]);
  });

  it('one rejection rejects the request, even after another group approved', async () => {
    const id = await requested('rotate_keys');
    expect((await h.approve(id, PEOPLE.bob.email)).json.status).toBe('approval_pending');
    const reject = await h.approve(id, FRANK, 'reject');
    expect(reject.json.status, reject.stdout).toBe('access_denied');
    expect(h.grants()[id]).toBeUndefined();
    const late = await h.approve(id, ERIN);
    expect(late.json.code).toBe('approval.already_decided');
    expect(h.grants()[id]).toBeUndefined();
  });

  it('an earlier approval whose approver left the group is withdrawn when the last approval comes, and the request waits', async () => {
    const id = await requested('rotate_keys');
    expect((await h.approve(id, PEOPLE.bob.email)).json.status).toBe('approval_pending');
    const config = baseConfig(h.opa.url);
    configure(config);
    const groups = (config.directory as { groups: Record<string, unknown[]> }).groups;
    groups['platform-approvers'] = groups['platform-approvers']!.filter((m) => m !== PEOPLE.bob.email);
    h.writeConfig(config);

    const erin = await h.approve(id, ERIN);
    expect(erin.json.status, erin.stdout).toBe('approval_pending');
    const states = erin.json.approvals as { requirement: string; met: boolean }[];
    expect(states.map((a) => [a.requirement, a.met])).toEqual([
      ['platform-approvers', false],
      ['security-approvers', true],
    ]);
    expect(h.grants()[id]).toBeUndefined();
    const { request, events } = await stored(id);
    expect(request?.approvals?.map((a) => a.approver)).toEqual([ERIN]);
    expect(events.find((e) => e.type === 'approval_withdrawn')?.data).toMatchObject({ approver: PEOPLE.bob.email });

    expect((await h.approve(id, PAT)).json.status).toBe('access_granted');
  });

  it('two approvers from one group: the same person twice does not make two', async () => {
    const id = await requested('drop_table');
    const first = await h.runText(PEOPLE.bob.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(first.stdout).toMatch(/Recorded your approval of request/);
    expect(first.stdout).toMatch(/platform-approvers: waiting \(1 of 2\), approved so far by bob@example.com/);
    expect((await h.approve(id, PEOPLE.bob.email)).json.code).toBe('approval.already_given');
    expect(h.grants()[id]).toBeUndefined();
    const second = await h.approve(id, PEOPLE.alice.email);
    expect(second.json.status, second.stdout).toBe('access_granted');
  });

  it('a request that could never get enough approvers is refused before anything is stored', async () => {
    const config = baseConfig(h.opa.url);
    configure(config);
    // platform-approvers has three active members besides nobody: alice, bob, pat; dev asks, so three remain.
    ((config.tools as { name: string; approvals?: unknown }[]).find((t) => t.name === 'drop_table')!).approvals = { required: 4 };
    h.writeConfig(config);
    const before = h.messagesIn().length;
    const run = await ask('drop_table');
    expect(run.code).not.toBe(0);
    expect(run.json.code, run.stdout).toBe('approvers.not_enough');
    expect(run.json.message).toMatch(/4 different approvers from platform-approvers/);
    expect(h.messagesIn().length).toBe(before);
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      expect((await store.list({})).length).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the grant gets the shortest TTL any approver asked for', async () => {
    const id = await requested('rotate_keys', { ttl: '2h' });
    expect((await h.approve(id, PEOPLE.bob.email, 'approve', '30m')).json.status).toBe('approval_pending');
    const granted = await h.approve(id, ERIN);
    expect(granted.json).toMatchObject({ status: 'access_granted', ttl_seconds: 1800 });
  });

  it('an approval written into the row, not given, is found: the next decision is refused and audit verify names it', async () => {
    const id = await requested('rotate_keys');
    expect((await h.approve(id, PEOPLE.bob.email)).json.status).toBe('approval_pending');
    const forged = JSON.stringify({ approver: ERIN, at: Date.now(), counts: ['security-approvers'] });
    const store = SqliteRequestStore.open(h.databasePath);
    store.unsafeExec(`UPDATE requests SET body = json_insert(body, '$.approvals[#]', json('${forged}')) WHERE id = '${id}'`);
    await store.close();
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(2);
    expect(String(verify.json.problem)).toMatch(/approvals/);
    const next = await h.approve(id, FRANK);
    expect(next.json.code, next.stdout).toBe('request.tampered');
    expect(h.grants()[id]).toBeUndefined();
  });

  it('a lowered requirement written into the row is found the same way', async () => {
    const id = await requested('drop_table');
    const store = SqliteRequestStore.open(h.databasePath);
    store.unsafeExec(`UPDATE requests SET body = json_set(body, '$.approvalRequirements[0].required', 1) WHERE id = '${id}'`);
    await store.close();
    const run: CliRun = await h.approve(id, PEOPLE.bob.email);
    expect(run.json.code, run.stdout).toBe('request.tampered');
    expect(run.json.message).toContain('approval_requirements');
    expect(h.grants()[id]).toBeUndefined();
  });

  it('approvers of both groups approving at the same moment, as separate processes, grant once with both approvals', async () => {
    await groupsApproveAtOnce(h, 'rotate_keys', [PEOPLE.bob.email, PAT, ERIN, FRANK], 3);
  });
});

describe('a member of every group that must approve', () => {
  it('approves for each of their groups at once: one person who owns both targets is enough', async () => {
    const h = await LifecycleHarness.start(configure);
    try {
      const id = (await h.request({ tool_name: 'rotate_keys', tool_params: '{}' })).json.request_id as string;
      const run = await h.approve(id, PEOPLE.alice.email);
      expect(run.json.status, run.stdout).toBe('access_granted');
      const approvals = run.json.approvals as { requirement: string; approved_by: { approver: string }[] }[];
      expect(approvals.every((a) => a.approved_by.some((b) => b.approver === PEOPLE.alice.email))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
