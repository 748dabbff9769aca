import { ConfigError, UpstreamError } from '../../core/errors.js';
import type { KubeClusterSettings } from './kube-settings.js';

/** A RoleBinding or ClusterRoleBinding as this adapter reads and writes it. */
export interface KubeBinding {
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { apiGroup?: string; kind: string; name: string }[];
}

/** A namespace as the adapter needs it: its annotations and whether it is being deleted. */
export interface KubeNamespace {
  name: string;
  annotations: Record<string, string>;
  terminating: boolean;
}

/** An API server's refusal: the HTTP status and the `reason` of its Status object. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The calls the provider makes to one cluster, each with the RBAC verb and resource it needs, so the runner's
 * ClusterRole can be checked against them ({@link KUBE_CALLS}). `namespace` undefined means cluster-scoped.
 */
export interface KubeCalls {
  readNamespace(name: string): Promise<KubeNamespace | undefined>;
  clusterRoleExists(name: string): Promise<boolean>;
  createBinding(namespace: string | undefined, body: KubeBinding): Promise<KubeBinding>;
  readBinding(namespace: string | undefined, name: string): Promise<KubeBinding | undefined>;
  /** Deletes the binding only while it is still the object with `uid`; false when it is gone already. */
  deleteBinding(namespace: string | undefined, name: string, uid: string): Promise<boolean>;
  listBindings(labelSelector: string, clusterWide: boolean): Promise<KubeBinding[]>;
}

/** What each call needs in RBAC terms: the runner's ClusterRole must allow every one (test/unit/kubernetes). */
export const KUBE_CALLS: Record<keyof KubeCalls, { verb: string; group: string; resource: string; scope: 'namespaced' | 'cluster' | 'both' }[]> = {
  readNamespace: [{ verb: 'get', group: '', resource: 'namespaces', scope: 'cluster' }],
  clusterRoleExists: [{ verb: 'get', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', scope: 'cluster' }],
  createBinding: [
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', scope: 'namespaced' },
    { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', scope: 'cluster' },
  ],
  readBinding: [{ verb: 'get', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', scope: 'namespaced' }],
  deleteBinding: [{ verb: 'delete', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', scope: 'namespaced' }],
  listBindings: [{ verb: 'list', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', scope: 'cluster' }],
};

/**
 * Connects to a cluster with `@kubernetes/client-node`, imported here on first use so runs that touch no
 * Kubernetes entry never load it. The kubeconfig path comes from the environment variable the config names.
 */
export async function connectCluster(cluster: KubeClusterSettings, env: NodeJS.ProcessEnv): Promise<KubeCalls> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  const connection = cluster.connection;
  try {
    if ('inCluster' in connection) config.loadFromCluster();
    else {
      const path = env[connection.kubeconfigEnv]?.trim();
      if (!path) throw new ConfigError(`Cluster ${cluster.name} is reached through the kubeconfig file named by ${connection.kubeconfigEnv}, which is not set. Set it to the file's path.`, { cluster: cluster.name });
      config.loadFromFile(path);
      if (connection.context) {
        if (!config.getContextObject(connection.context)) throw new ConfigError(`The kubeconfig in ${connection.kubeconfigEnv} has no context ${connection.context} (cluster ${cluster.name}).`, { cluster: cluster.name });
        config.setCurrentContext(connection.context);
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`The connection settings of cluster ${cluster.name} could not be loaded (${err instanceof Error ? err.message.slice(0, 200) : 'unreadable'}).`, { cluster: cluster.name });
  }
  const rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const call = <T>(work: () => Promise<T>) => work().catch((err: unknown) => Promise.reject(toKubeError(cluster.name, err)));
  const missing = <T>(work: () => Promise<T>): Promise<T | undefined> =>
    call(work).catch((err: unknown) => (err instanceof KubeApiError && err.status === 404 ? undefined : Promise.reject(err)));
  return {
    readNamespace: async (name) => {
      const ns = await missing(() => core.readNamespace({ name }));
      return ns && { name, annotations: ns.metadata?.annotations ?? {}, terminating: Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === 'Terminating' };
    },
    clusterRoleExists: async (name) => (await missing(() => rbac.readClusterRole({ name }))) !== undefined,
    createBinding: (namespace, body) =>
      call(async () => (namespace ? await rbac.createNamespacedRoleBinding({ namespace, body }) : await rbac.createClusterRoleBinding({ body })) as KubeBinding),
    readBinding: (namespace, name) =>
      missing(async () => (namespace ? await rbac.readNamespacedRoleBinding({ name, namespace }) : await rbac.readClusterRoleBinding({ name })) as KubeBinding),
    deleteBinding: async (namespace, name, uid) => {
      const body = { preconditions: { uid } };
      const done = await missing(() => (namespace ? rbac.deleteNamespacedRoleBinding({ name, namespace, body }) : rbac.deleteClusterRoleBinding({ name, body })));
      return done !== undefined;
    },
    listBindings: async (labelSelector, clusterWide) => {
      const namespaced = (await call(() => rbac.listRoleBindingForAllNamespaces({ labelSelector }))).items as KubeBinding[];
      const wide = clusterWide ? ((await call(() => rbac.listClusterRoleBinding({ labelSelector }))).items as KubeBinding[]) : [];
      return [...namespaced, ...wide];
    },
  };
}

/** An ApiException (status and Status body) or a network failure, as a {@link KubeApiError} or UpstreamError. */
function toKubeError(cluster: string, err: unknown): Error {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && code >= 100) {
    let reason = 'Unknown';
    let message = `HTTP ${code}`;
    try {
      const status = JSON.parse(String((err as { body?: unknown }).body)) as { reason?: string; message?: string };
      reason = status.reason ?? reason;
      message = status.message ?? message;
    } catch {
      // Not a Status object (a proxy's page): the HTTP status is all there is.
    }
    return new KubeApiError(code, reason, message);
  }
  return new UpstreamError('kubernetes.unreachable', `The API server of cluster ${cluster} could not be reached; try again shortly, or check the runner's network and the cluster's address.`, { cause: err });
}
