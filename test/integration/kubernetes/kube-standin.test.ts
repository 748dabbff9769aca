/**
 * The Kubernetes API stand-in speaks the wire protocol well enough for the two real clients the package's
 * tests rely on: `@kubernetes/client-node` and `kubectl`. What it refuses (403 without rights, 409 on an
 * existing name or a stale resourceVersion, 404, new content in a terminating namespace) is checked here,
 * so the provider's tests can trust its answers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../scripts/standins/kube-api-server.js';

const KUBECTL = '/usr/bin/kubectl';

describe('Kubernetes API stand-in', () => {
  let kube: KubeApiServer;
  let dir: string;
  let k8s: typeof K8s;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'kube-standin-'));
    k8s = await import('@kubernetes/client-node');
    kube.state.addNamespace('payments', { 'kubiya-jit.io/approver-groups': 'payments-owners' });
    kube.state.addClusterRole('edit', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'create', 'delete'] }]);
    kube.state.addClusterRole('jit-runner', [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['get', 'list', 'create', 'delete'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['view'] },
    ]);
    kube.state.addBinding('jit-runner', 'jit-runner', [{ kind: 'ServiceAccount', name: 'runner', namespace: 'jit' }]);
    kube.addToken('runner-token', { name: 'system:serviceaccount:jit:runner', groups: ['system:serviceaccounts', 'system:authenticated'] });
  });
  afterAll(async () => {
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function rbacApi(token: string): K8s.RbacAuthorizationV1Api {
    const config = new k8s.KubeConfig();
    config.loadFromString(kube.kubeconfig(token));
    return config.makeApiClient(k8s.RbacAuthorizationV1Api);
  }

  // kubectl runs asynchronously: the stand-in is served from this very process.
  async function kubectl(token: string, ...args: string[]): Promise<string> {
    const file = join(dir, `config-${token}`);
    writeFileSync(file, kube.kubeconfig(token));
    return (await promisify(execFile)(KUBECTL, ['--kubeconfig', file, ...args], { encoding: 'utf8' })).stdout;
  }

  const binding = (name: string, role = 'edit') => ({
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kubiya-jit' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dev@example.com' }],
  });

  it('creates, lists by label, refuses duplicates and deletes with the real client; kubectl reads the same', async () => {
    const api = rbacApi(kube.adminToken);
    const created = await api.createNamespacedRoleBinding({ namespace: 'payments', body: binding('jit-a') });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    await expect(api.createNamespacedRoleBinding({ namespace: 'payments', body: binding('jit-a') })).rejects.toMatchObject({ code: 409 });
    const listed = await api.listRoleBindingForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=kubiya-jit' });
    expect(listed.items.map((b) => b.metadata?.name)).toEqual(['jit-a']);
    const seen = JSON.parse(await kubectl(kube.adminToken, 'get', 'rolebindings', '-A', '-l', 'app.kubernetes.io/managed-by=kubiya-jit', '-o', 'json')) as { items: { metadata: { name: string; namespace: string } }[] };
    expect(seen.items.map((b) => `${b.metadata.namespace}/${b.metadata.name}`)).toEqual(['payments/jit-a']);
    await api.deleteNamespacedRoleBinding({ name: 'jit-a', namespace: 'payments' });
    await expect(api.readNamespacedRoleBinding({ name: 'jit-a', namespace: 'payments' })).rejects.toMatchObject({ code: 404 });
    expect((await kubectl(kube.adminToken, 'get', 'rolebindings', '-n', 'payments', '-o', 'name')).trim()).toBe('');
  });

  it('refuses a stale resourceVersion with 409 Conflict', async () => {
    const api = rbacApi(kube.adminToken);
    const created = await api.createNamespacedRoleBinding({ namespace: 'payments', body: binding('jit-rv') });
    const stale = { ...created, metadata: { ...created.metadata, resourceVersion: '1' } };
    await expect(api.replaceNamespacedRoleBinding({ name: 'jit-rv', namespace: 'payments', body: stale })).rejects.toMatchObject({ code: 409 });
    await api.deleteNamespacedRoleBinding({ name: 'jit-rv', namespace: 'payments' });
  });

  it('authorizes by RBAC: the runner may bind only the roles named in resourceNames, and nothing else', async () => {
    const api = rbacApi('runner-token');
    await api.createNamespacedRoleBinding({ namespace: 'payments', body: binding('jit-view', 'view') });
    const refused = await api.createNamespacedRoleBinding({ namespace: 'payments', body: binding('jit-edit', 'edit') }).then(
      () => ({ code: 201, body: '{}' }),
      (err: unknown) => err as { code: number; body: string },
    );
    expect(refused).toMatchObject({ code: 403 });
    expect((JSON.parse(refused.body) as { kind: string; reason: string }).reason).toBe('Forbidden');
    await expect(api.listClusterRoleBinding()).rejects.toMatchObject({ code: 403 });
    expect((await kubectl('runner-token', 'get', 'rolebindings', '-n', 'payments', '-o', 'name')).trim()).toBe('rolebinding.rbac.authorization.k8s.io/jit-view');
    await expect(kubectl('runner-token', 'get', 'clusterrolebindings')).rejects.toThrow(/Forbidden/);
    await api.deleteNamespacedRoleBinding({ name: 'jit-view', namespace: 'payments' });
  });

  it('answers 401 to an unknown token and 404 to a missing namespace, and refuses content in a terminating one', async () => {
    await expect(rbacApi('nobody').listRoleBindingForAllNamespaces()).rejects.toMatchObject({ code: 401 });
    const api = rbacApi(kube.adminToken);
    await expect(api.createNamespacedRoleBinding({ namespace: 'ghost', body: binding('jit-x') })).rejects.toMatchObject({ code: 404 });
    kube.state.addNamespace('leaving');
    kube.state.terminateNamespace('leaving');
    await expect(api.createNamespacedRoleBinding({ namespace: 'leaving', body: binding('jit-x') })).rejects.toMatchObject({ code: 403 });
  });
});
