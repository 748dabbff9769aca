/**
 * Owners approve, end to end through the real CLI: a request spanning namespaces owned by different groups
 * (one by config `namespace_approvers`, one by the `kubiya-jit.io/approver-groups` annotation) needs one
 * approval from each; until the last one no RoleBinding exists, the Slack message shows each group's state, a
 * second approval from the same group is refused, a rejection by either group rejects the whole request, and
 * `approvals: {required: 2}` on the cluster asks two different people of the owning group.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../../scripts/standins/kube-api-server.js';
import { LifecycleHarness, PEOPLE, type CliRun } from '../../support/lifecycle-harness.js';
import { clusterSection, kubectlBindings, startCluster } from './kube-harness.js';

/** A harness whose cluster is configured by `cluster` (on top of the tests' usual one), with the owner groups. */
async function start(cluster: (c: Record<string, unknown>) => void = () => undefined) {
  const h = await LifecycleHarness.start((config) => {
    const section = clusterSection();
    cluster((section.clusters as Record<string, unknown>[])[0]!);
    config.kubernetes = section;
    const directory = config.directory as { groups: Record<string, unknown[]> };
    // audit-eu is owned by risk-owners through the config; billing by billing-owners through its annotation.
    directory.groups['risk-owners'] = [PEOPLE.carol.email, PEOPLE.mallory.email];
    directory.groups['billing-owners'] = [PEOPLE.bob.email, PEOPLE.alice.email];
  });
  const { kube, env } = await startCluster(h);
  const run = (as: string | undefined, args: string[]) => h.run(as, args, { env });
  return { h, kube, env, run };
}

const decide = (run: (as: string, args: string[]) => Promise<CliRun>, id: string, as: string, action = 'approve') =>
  run(as, ['approve_tool_access_request', '--request_id', id, '--approval_action', action, ...(action === 'reject' ? ['--reason', 'not during the freeze'] : [])]);

/** The bindings the stand-in holds for request `id`. */
const bindingsOf = (kube: KubeApiServer, id: string) => kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === id);

/** The text of the approvers' message as Slack holds it now, and how many times it was updated. */
function slackMessage(h: LifecycleHarness, id: string): { text: string; updates: number } {
  const message = h.messagesIn().find((m) => JSON.stringify(m.blocks ?? []).includes(id));
  if (!message) throw new Error(`no approvers' message for ${id}`);
  return { text: JSON.stringify(message.blocks), updates: message.history.length };
}

describe('a request spanning namespaces of two owning groups needs both', () => {
  let env: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    env = await start();
  });
  afterAll(async () => {
    await env?.kube.close();
    await env?.h.close();
  });

  const ask = (ttl = '1h') =>
    env.run(PEOPLE.dev.email, ['k8s_request_prod', '--namespaces', '["audit-eu", "billing"]', '--role', 'edit', '--ttl', ttl, '--justification', 'Reconcile the EU ledgers INC-81']);

  it('stays pending with no binding after the first owner, refuses that group again, grants on the second, and removes at the TTL', async () => {
    const asked = await ask('4s');
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    expect(asked.json.approvals).toEqual([
      { requirement: 'risk-owners', groups: ['risk-owners'], required: 1, targets: ['audit-eu'], met: false, missing: 1, approved_by: [] },
      { requirement: 'billing-owners', groups: ['billing-owners'], required: 1, targets: ['billing'], met: false, missing: 1, approved_by: [] },
    ]);

    const first = await decide(env.run, id, PEOPLE.carol.email);
    expect(first.code, first.stdout).toBe(0);
    expect(first.json.status).toBe('approval_pending');
    expect(bindingsOf(env.kube, id)).toEqual([]);
    expect((await kubectlBindings(env.kube, env.h.dir)).size).toBe(0);
    const afterFirst = slackMessage(env.h, id);
    expect(afterFirst.updates).toBeGreaterThan(0);
    expect(afterFirst.text).toMatch(/:white_check_mark: \*risk-owners\* \(audit-eu\): approved by carol@example.com/);
    expect(afterFirst.text).toMatch(/:hourglass_flowing_sand: \*billing-owners\* \(billing\): waiting/);
    const described = await env.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    const history = (described.json.history as unknown[]).length;

    // The first group has approved: neither the same owner again nor another owner of that group counts.
    const again = await decide(env.run, id, PEOPLE.carol.email);
    expect(again.code).toBe(1);
    expect(again.json.code).toBe('approval.already_given');
    expect(String(again.json.message)).toMatch(/still waits for an approval from billing-owners/);
    const sameGroup = await decide(env.run, id, PEOPLE.mallory.email);
    expect(sameGroup.code).toBe(1);
    expect(sameGroup.json.code).toBe('approval.requirement_met');
    const unchanged = await env.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(unchanged.json.status).toBe('approval_pending');
    expect((unchanged.json.history as unknown[]).length).toBe(history);
    expect(unchanged.json.approvals).toEqual(described.json.approvals);
    expect(slackMessage(env.h, id)).toEqual(afterFirst);
    expect(bindingsOf(env.kube, id)).toEqual([]);

    const second = await decide(env.run, id, PEOPLE.bob.email);
    expect(second.code, second.stdout).toBe(0);
    expect(second.json.status).toBe('access_granted');
    const name = `kubiya-jit-${id.replace(/_/g, '-')}`;
    const seen = await kubectlBindings(env.kube, env.h.dir);
    expect([...seen.keys()].sort()).toEqual([`audit-eu/${name}`, `billing/${name}`]);
    expect(seen.get(`billing/${name}`)!.roleRef.name).toBe('edit');
    const approvals = second.json.approvals as { requirement: string; met: boolean; approved_by: { approver: string }[] }[];
    expect(approvals.map((a) => [a.requirement, a.met, a.approved_by.map((b) => b.approver)])).toEqual([
      ['risk-owners', true, [PEOPLE.carol.email]],
      ['billing-owners', true, [PEOPLE.bob.email]],
    ]);

    await sleep(Math.max(0, Date.parse(second.json.expires_at as string) - Date.now() + 150));
    const sweep = await env.run(undefined, ['sweep']);
    expect(sweep.json.expired, sweep.stdout).toEqual([id]);
    expect((await kubectlBindings(env.kube, env.h.dir)).size).toBe(0);
  });

  it('kubiya-jit approvers shows each owning group with its namespaces, required count and who may approve, storing nothing', async () => {
    const params = JSON.stringify({ namespaces: ['audit-eu', 'billing', 'orders'], role: 'edit' });
    const posted = env.h.messagesIn().length;
    const preview = await env.run(PEOPLE.carol.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', params]);
    expect(preview.code, preview.stdout).toBe(0);
    expect(preview.json.routing).toMatchObject({ source: 'owner', groups: ['risk-owners', 'billing-owners', 'platform-approvers'] });
    // carol asks, so she is not among risk-owners' approvers; orders names no owner and takes the default groups.
    expect(preview.json.requirements).toEqual([
      { requirement: 'risk-owners', groups: ['risk-owners'], targets: ['audit-eu'], required: 1, approvers: [PEOPLE.mallory.email] },
      { requirement: 'billing-owners', groups: ['billing-owners'], targets: ['billing'], required: 1, approvers: [PEOPLE.alice.email, PEOPLE.bob.email] },
      { requirement: 'platform-approvers', groups: ['platform-approvers'], targets: ['orders'], required: 1, approvers: [PEOPLE.alice.email, PEOPLE.bob.email, PEOPLE.dev.email] },
    ]);

    const text = await env.h.runText(PEOPLE.dev.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', params], { env: env.env });
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toContain('Approvals needed (each one; a single rejection rejects the request):');
    expect(text.stdout).toContain(`  - risk-owners for audit-eu: one approval, from ${PEOPLE.carol.email}, ${PEOPLE.mallory.email}`);
    expect(text.stdout).toContain(`  - platform-approvers for orders: one approval, from ${PEOPLE.alice.email}, ${PEOPLE.bob.email}`);

    // Checked as a request would be: a namespace that does not exist is refused, not routed to the defaults.
    const ghost = await env.run(PEOPLE.dev.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', '{"namespaces": ["ghost"], "role": "edit"}']);
    expect(ghost.code).toBe(1);
    expect(ghost.json.code).toBe('kubernetes.namespace_not_found');
    const badRole = await env.run(PEOPLE.dev.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', '{"namespaces": ["billing"], "role": "admin"}']);
    expect(badRole.code).toBe(1);
    expect(String(badRole.json.message)).toMatch(/role|admin/);
    expect(env.h.messagesIn()).toHaveLength(posted);
    expect(env.kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === 'req_preview')).toEqual([]);
  });

  it('rejects the whole request when the second group rejects after the first approved, making no binding', async () => {
    const id = (await ask()).json.request_id as string;
    expect((await decide(env.run, id, PEOPLE.carol.email)).json.status).toBe('approval_pending');
    const rejected = await decide(env.run, id, PEOPLE.bob.email, 'reject');
    expect(rejected.code, rejected.stdout).toBe(0);
    expect(rejected.json.status).toBe('access_denied');
    expect(bindingsOf(env.kube, id)).toEqual([]);
    // Nobody can approve it into life afterwards.
    const late = await decide(env.run, id, PEOPLE.alice.email);
    expect(late.json.code).toBe('approval.already_decided');
    expect(bindingsOf(env.kube, id)).toEqual([]);
    expect(slackMessage(env.h, id).text).not.toMatch(/Waiting for approvals/);
  });
});

describe('approvals: {required: 2} on the cluster', () => {
  let env: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    env = await start((cluster) => {
      cluster.approvals = { required: 2 };
    });
  });
  afterAll(async () => {
    await env?.kube.close();
    await env?.h.close();
  });

  it('needs two different people of the owning group before the binding is made', async () => {
    const preview = await env.run(PEOPLE.dev.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', '{"namespaces": ["billing"], "role": "view"}']);
    expect(preview.json.requirements, preview.stdout).toEqual([
      { requirement: 'billing-owners', groups: ['billing-owners'], targets: ['billing'], required: 2, approvers: [PEOPLE.alice.email, PEOPLE.bob.email] },
    ]);
    const asked = await env.run(PEOPLE.dev.email, ['k8s_request_prod', '--namespaces', '["billing"]', '--role', 'view', '--justification', 'Check the invoices INC-82']);
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;

    const first = await decide(env.run, id, PEOPLE.bob.email);
    expect(first.json.status, first.stdout).toBe('approval_pending');
    expect(first.json.approvals).toMatchObject([{ requirement: 'billing-owners', required: 2, met: false, missing: 1 }]);
    expect(slackMessage(env.h, id).text).toMatch(/\*billing-owners\* \(billing\): waiting 1 of 2 \(approved so far by bob@example.com\)/);
    const twice = await decide(env.run, id, PEOPLE.bob.email);
    expect(twice.json.code).toBe('approval.already_given');
    expect(bindingsOf(env.kube, id)).toEqual([]);

    const second = await decide(env.run, id, PEOPLE.alice.email);
    expect(second.json.status, second.stdout).toBe('access_granted');
    expect([...(await kubectlBindings(env.kube, env.h.dir)).keys()]).toEqual([`billing/kubiya-jit-${id.replace(/_/g, '-')}`]);
  });

  it('refuses a request whose owning group has fewer than two possible approvers, storing and posting nothing', async () => {
    const posted = env.h.messagesIn().length;
    // risk is owned by risk-owners (carol and mallory): with carol asking, only mallory could approve.
    const asked = await env.run(PEOPLE.carol.email, ['k8s_request_prod', '--namespaces', '["risk"]', '--role', 'view', '--justification', 'Check the limits INC-83']);
    expect(asked.code).toBe(1);
    expect(asked.json.code).toBe('approvers.not_enough');
    expect(String(asked.json.message)).toMatch(/needs 2 different approvers from risk-owners \(for risk\).*only 1 active member/);
    expect(env.h.messagesIn()).toHaveLength(posted);
    const preview = await env.run(PEOPLE.carol.email, ['approvers', '--tool_name', 'k8s_request_prod', '--tool_params', '{"namespaces": ["risk"], "role": "view"}']);
    expect(preview.json.code, preview.stdout).toBe('approvers.not_enough');
    const mine = await env.run(PEOPLE.carol.email, ['view_user_requests']);
    expect(JSON.stringify(mine.json)).not.toContain('k8s_request_prod');
  });
});
