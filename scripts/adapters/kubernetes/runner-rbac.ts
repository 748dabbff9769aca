import type { KubeClusterSettings } from './kube-settings.js';

/** One rule of a ClusterRole (PolicyRule). */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** Where the runner's service account lives (the ClusterRoleBinding's subject). */
export interface RunnerAccount {
  namespace: string;
  serviceAccount: string;
}

/** The default runner account: `kubiya-jit-runner` in namespace `kubiya-jit`. */
export const DEFAULT_RUNNER: RunnerAccount = { namespace: 'kubiya-jit', serviceAccount: 'kubiya-jit-runner' };

const RBAC = 'rbac.authorization.k8s.io';

/**
 * The runner's least-privilege rules in one cluster, from its config: RoleBindings get/list/create/delete,
 * `bind` (and `get`, to check they exist) on exactly the configured ClusterRoles by `resourceNames`, and
 * namespaces get. ClusterRoleBindings only when the cluster allows cluster-wide grants. Nothing else: the
 * runner cannot create roles, edit existing roles, or bind any role not in the config (RBAC's escalation check).
 */
export function runnerRules(cluster: KubeClusterSettings): RbacRule[] {
  return [
    { apiGroups: [RBAC], resources: ['rolebindings'], verbs: ['get', 'list', 'create', 'delete'] },
    ...(cluster.clusterWide ? [{ apiGroups: [RBAC], resources: ['clusterrolebindings'], verbs: ['get', 'list', 'create', 'delete'] }] : []),
    { apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['bind', 'get'], resourceNames: [...cluster.roles].sort() },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  ];
}

/** The ClusterRole and ClusterRoleBinding to apply in one cluster, as Kubernetes objects. */
export function runnerRbacObjects(cluster: KubeClusterSettings, runner: RunnerAccount = DEFAULT_RUNNER): Record<string, unknown>[] {
  const name = `kubiya-jit-runner-${cluster.name.replace(/_/g, '-')}`;
  const labels = { 'app.kubernetes.io/name': 'kubiya-jit', 'app.kubernetes.io/component': 'runner' };
  return [
    { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name, labels }, rules: runnerRules(cluster) },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: runner.serviceAccount, namespace: runner.namespace }],
    },
  ];
}
