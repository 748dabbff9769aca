/**
 * Kubernetes JIT end to end through the real CLI: the request tool refuses bad input with nothing stored,
 * approval writes one RoleBinding per namespace (read back with kubectl), the TTL removes exactly those,
 * overlapping grants keep access until the last ends, a failure part-way rolls back, a forbidden runner and a
 * namespace deleted mid-grant end `failed` with nothing left, and reconcile finds what is left behind.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../../scripts/standins/kube-api-server.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { clusterSection, kubectlBindings, startCluster } from './kube-harness.js';

const SUBJECT = 'oidc:dev@example.com';

describe('k8s_request_<cluster> through the real CLI against the Kubernetes API stand-in', () => {
  let h: LifecycleHarness;
  let kube: KubeApiServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      config.kubernetes = clusterSection();
    });
    ({ kube, env } = await startCluster(h));
    // Standing access that was there before: never touched by any grant or revocation.
    kube.state.addBinding('standing-view', 'view', [{ kind: 'User', name: SUBJECT }], 'payments');
  });
  afterAll(async () => {
    await kube?.close();
    await h?.close();
  });

  const run = (as: string | undefined, args: string[]) => h.run(as, args, { env });
  const ask = (namespaces: string, role = 'edit', ttl = '1h', as: string = PEOPLE.dev.email) =>
    run(as, ['k8s_request_prod', '--namespaces', namespaces, '--role', role, '--ttl', ttl, '--justification', 'Roll back the payments release INC-77']);
  const approve = (id: string) => run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
  const expectFailed = async (id: string, approved: { json: Record<string, unknown> }, reason: RegExp) => {
    expect(approved.json.code).toBe('grant.failed');
    expect(String(approved.json.message)).toMatch(reason);
    const described = await run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('failed');
  };
  const ours = () => kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kubiya-jit');

  it('refuses bad input with a clear message, storing and posting nothing', async () => {
    const cases: [string, string, RegExp][] = [
      ['["payments"]', 'admin', /role "admin" may not be granted in cluster prod; choose one of view, edit/],
      ['["ghost"]', 'edit', /Namespace ghost does not exist in cluster prod/],
      ['["vault"]', 'edit', /namespace vault is denied in cluster prod/],
      ['["kube-system"]', 'view', /kube-system is a system namespace/],
      ['[]', 'edit', /namespaces must be a non-empty list/],
      ['["payments", "payments"]', 'edit', /listed twice/],
      ['["payments; kubectl delete ns"]', 'edit', /is not a namespace name/],
      ['["*"]', 'edit', /cluster-wide grants are not allowed in cluster prod/],
    ];
    for (const [namespaces, role, message] of cases) {
      const r = await ask(namespaces, role);
      expect(r.code, `${namespaces} ${role}: ${r.stdout}`).toBe(1);
      expect(String(r.json.message)).toMatch(message);
      expect(r.stdout + r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    expect(h.messagesIn()).toHaveLength(0);
    const mine = await run(PEOPLE.dev.email, ['view_user_requests']);
    expect(JSON.stringify(mine.json)).not.toContain('k8s_request_prod');
    expect(ours()).toEqual([]);
  });

  it('grants one RoleBinding per namespace on approval, which kubectl reads back, and removes exactly those at the TTL', async () => {
    const asked = await ask('[payments checkout]', 'edit', '4s');
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    expect(JSON.stringify(h.messagesIn()[0]!.blocks)).toContain(`RoleBinding kubiya-jit-${id.replace(/_/g, '-')} in prod/payments: ClusterRole edit for User ${SUBJECT}`);
    expect(ours()).toEqual([]);

    const approved = await approve(id);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    const seen = await kubectlBindings(kube, h.dir);
    const name = `kubiya-jit-${id.replace(/_/g, '-')}`;
    expect([...seen.keys()].sort()).toEqual([`checkout/${name}`, `payments/${name}`]);
    const binding = seen.get(`payments/${name}`)!;
    expect(binding.roleRef.name).toBe('edit');
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: SUBJECT }]);
    expect(binding.metadata.labels).toMatchObject({ 'kubiya-jit.io/request-id': id, 'kubiya-jit.io/cluster': 'prod' });
    expect(binding.metadata.annotations).toMatchObject({ 'kubiya-jit.io/requester': PEOPLE.dev.email, 'kubiya-jit.io/approved-by': PEOPLE.alice.email });
    expect(Date.parse(binding.metadata.annotations!['kubiya-jit.io/expires-at']!)).toBe(Date.parse(approved.json.expires_at as string));

    await sleep(4200);
    const sweep = await run(undefined, ['sweep']);
    expect(sweep.code, sweep.stdout).toBe(0);
    expect(sweep.json.expired).toEqual([id]);
    expect((await kubectlBindings(kube, h.dir)).size).toBe(0);
    expect(kube.state.get('rolebindings', 'standing-view', 'payments')).toBeDefined();
  });

  it('keeps access through overlapping grants until the last one ends, and the revoke tool ends only its own', async () => {
    const first = (await ask('["orders"]', 'view')).json.request_id as string;
    const second = (await ask('["orders"]', 'view')).json.request_id as string;
    expect((await approve(first)).json.status).toBe('access_granted');
    expect((await approve(second)).json.status).toBe('access_granted');
    expect((await kubectlBindings(kube, h.dir)).size).toBe(2);

    const revoked = await run(PEOPLE.dev.email, ['k8s_revoke_prod', '--reason', 'done with the first', '--request_id', first]);
    expect(revoked.code, revoked.stdout).toBe(0);
    const left = [...(await kubectlBindings(kube, h.dir)).values()];
    expect(left.map((b) => b.metadata.labels?.['kubiya-jit.io/request-id'])).toEqual([second]);
    expect(left[0]!.subjects[0]!.name).toBe(SUBJECT);

    const last = await run(PEOPLE.dev.email, ['k8s_revoke_prod', '--reason', 'done']);
    expect(last.code, last.stdout).toBe(0);
    expect(ours()).toEqual([]);
  });

  it('rolls back when the third of five namespaces fails, and ends failed', async () => {
    const id = (await ask('["payments", "checkout", "orders", "ledger", "search"]')).json.request_id as string;
    kube.failNext(1, { status: 500, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500 } }, /\/namespaces\/orders\/rolebindings$/);
    const approved = await approve(id);
    await expectFailed(id, approved, /namespace orders of cluster prod/);
    expect(ours()).toEqual([]);
    expect(kube.state.get('rolebindings', 'standing-view', 'payments')).toBeDefined();
  });

  it('fails cleanly when a namespace is being deleted between request and approval', async () => {
    kube.state.addNamespace('doomed');
    const id = (await ask('["payments", "doomed"]')).json.request_id as string;
    kube.state.terminateNamespace('doomed');
    const approved = await approve(id);
    await expectFailed(id, approved, /doomed .*being deleted/);
    expect(ours()).toEqual([]);
  });

  it('fails with what to apply when the runner lacks the rights, leaving nothing behind', async () => {
    const id = (await ask('["payments"]')).json.request_id as string;
    const runnerBinding = kube.state.get('clusterrolebindings', 'kubiya-jit-runner-prod')!;
    kube.state.remove('clusterrolebindings', 'kubiya-jit-runner-prod');
    try {
      const approved = await approve(id);
      await expectFailed(id, approved, /runner is not allowed .* configs\/kubernetes/);
      expect(JSON.stringify(approved.json)).not.toContain('system:serviceaccount');
      expect(ours()).toEqual([]);
    } finally {
      kube.state.create('clusterrolebindings', { metadata: runnerBinding.metadata, roleRef: runnerBinding.roleRef, subjects: runnerBinding.subjects });
    }
  });

  it('reconcile reports bindings of finished and unknown requests, and --fix removes only the finished ones', async () => {
    const id = (await ask('["search"]')).json.request_id as string;
    await approve(id);
    const binding = kube.state.get('rolebindings', `kubiya-jit-${id.replace(/_/g, '-')}`, 'search')!;
    await run(PEOPLE.dev.email, ['k8s_revoke_prod', '--reason', 'done']);
    // A crash after the request closed but before the binding went: put it back as it was.
    kube.state.create('rolebindings', { metadata: binding.metadata, roleRef: binding.roleRef, subjects: binding.subjects });
    kube.state.addBinding('kubiya-jit-req-0000000000000000', 'view', [{ kind: 'User', name: 'oidc:someone@example.com' }], 'ledger', {
      'app.kubernetes.io/managed-by': 'kubiya-jit',
      'kubiya-jit.io/request-id': 'req_0000000000000000',
      'kubiya-jit.io/cluster': 'prod',
    });

    const report = await run(undefined, ['reconcile']);
    expect(report.code).toBe(1);
    expect(report.json.leftovers).toEqual([{ grant_id: id, status: 'revoked', removed: false }]);
    expect(report.json.unknown).toEqual(['req_0000000000000000']);

    const fixed = await run(undefined, ['reconcile', '--fix']);
    expect(fixed.json.leftovers).toEqual([{ grant_id: id, status: 'revoked', removed: true }]);
    const left = await kubectlBindings(kube, h.dir);
    expect([...left.keys()]).toEqual(['ledger/kubiya-jit-req-0000000000000000']);
    expect(kube.state.get('rolebindings', 'standing-view', 'payments')).toBeDefined();
  });
});
