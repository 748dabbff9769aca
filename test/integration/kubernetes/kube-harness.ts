/**
 * A Kubernetes deployment for a test: the API stand-in with namespaces, ClusterRoles and the runner's RBAC
 * generated from the config, a kubeconfig for the runner's token, and kubectl as an independent reader.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runnerRbacObjects } from '../../../scripts/adapters/kubernetes/runner-rbac.js';
import { loadKubeCatalog } from '../../../scripts/config/kubernetes/load-kube-catalog.js';
import { startKubeApiServer, type KubeApiServer } from '../../../scripts/standins/kube-api-server.js';
import type { KubeObject } from '../../../scripts/standins/kube-state.js';
import type { LifecycleHarness } from '../../support/lifecycle-harness.js';

export const RUNNER_TOKEN = 'runner-token-for-tests';
export const KUBECONFIG_ENV = 'KUBE_PROD_CONFIG';

/** The cluster section the tests configure. */
export function clusterSection(): Record<string, unknown> {
  return {
    clusters: [
      {
        name: 'prod',
        connection: { kubeconfig_env: KUBECONFIG_ENV, context: 'prod-admin' },
        roles: ['view', 'edit'],
        namespaces: { allow: ['*'], deny: ['vault*'] },
        subjects: { kind: 'User', name: 'oidc:{email}' },
        max_ttl: '8h',
        annotation_allowlist: ['billing-owners', 'risk-owners'],
        namespace_approvers: { 'audit-*': ['risk-owners'] },
      },
    ],
  };
}

/** Starts the stand-in seeded with namespaces, roles and the runner's generated RBAC. */
export async function startCluster(h: LifecycleHarness): Promise<{ kube: KubeApiServer; env: Record<string, string> }> {
  const kube = await startKubeApiServer();
  for (const ns of ['payments', 'checkout', 'orders', 'ledger', 'search', 'vault', 'kube-system', 'audit-eu']) kube.state.addNamespace(ns);
  // Owners named by annotation; `intruders` is not in the cluster's annotation_allowlist, so it never counts.
  kube.state.addNamespace('billing', { 'kubiya-jit.io/approver-groups': 'billing-owners' });
  kube.state.addNamespace('risk', { 'kubiya-jit.io/approver-groups': 'risk-owners, intruders' });
  kube.state.addClusterRole('view', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  kube.state.addClusterRole('edit', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'create', 'delete'] }]);
  kube.state.addClusterRole('admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  const { settings } = await loadKubeCatalog(clusterSection(), { maxTtlSeconds: 28800 });
  seedRunner(kube, settings.prod!);
  kube.addToken(RUNNER_TOKEN, { name: 'system:serviceaccount:kubiya-jit:kubiya-jit-runner', groups: ['system:serviceaccounts', 'system:serviceaccounts:kubiya-jit', 'system:authenticated'] });
  const path = join(h.dir, 'kubeconfig');
  writeFileSync(path, kube.kubeconfig(RUNNER_TOKEN, 'prod-admin'));
  return { kube, env: { [KUBECONFIG_ENV]: path } };
}

/** Applies the runner's ClusterRole and binding, as `kubiya-jit kubernetes runner-rbac` renders them. */
export function seedRunner(kube: KubeApiServer, cluster: Parameters<typeof runnerRbacObjects>[0]): void {
  for (const object of runnerRbacObjects(cluster)) {
    const { apiVersion: _a, kind, ...fields } = object as { apiVersion: string; kind: string; metadata: { name: string } };
    kube.state.create(kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings', fields as never);
  }
}

/** Bindings kubectl (a second, independent client) reads with the admin token: `namespace/name` → object. */
export async function kubectlBindings(kube: KubeApiServer, dir: string, selector = 'app.kubernetes.io/managed-by=kubiya-jit'): Promise<Map<string, KubeObject & { roleRef: { name: string }; subjects: { kind: string; name: string }[] }>> {
  const file = join(dir, 'admin-kubeconfig');
  writeFileSync(file, kube.kubeconfig(kube.adminToken));
  const { stdout } = await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', file, 'get', 'rolebindings', '-A', '-l', selector, '-o', 'json'], { encoding: 'utf8' });
  const items = (JSON.parse(stdout) as { items: (KubeObject & { roleRef: { name: string }; subjects: { kind: string; name: string }[] })[] }).items;
  return new Map(items.map((item) => [`${item.metadata.namespace}/${item.metadata.name}`, item]));
}
