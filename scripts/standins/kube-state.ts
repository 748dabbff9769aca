/**
 * What the Kubernetes API stand-in holds: namespaces, ClusterRoles, ClusterRoleBindings and RoleBindings as
 * JSON objects with the metadata the API server keeps (uid, resourceVersion from one cluster-wide counter,
 * creationTimestamp). Tests seed and inspect it directly; clients reach it only through the wire protocol.
 * Part of the Kubernetes API stand-in (tests and the demo only).
 */
import { randomUUID } from 'node:crypto';

/** An object's metadata, as the API server returns it. */
export interface KubeMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}

/** An API object: kind, apiVersion, metadata and the rest of its fields. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [field: string]: unknown;
}

/** One RBAC rule (PolicyRule). */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** The resources the stand-in serves, by plural name. */
export type KubeResource = 'namespaces' | 'clusterroles' | 'clusterrolebindings' | 'rolebindings';

/** Group, kind and scope of each resource. */
export const RESOURCES: Record<KubeResource, { group: string; version: string; kind: string; namespaced: boolean }> = {
  namespaces: { group: '', version: 'v1', kind: 'Namespace', namespaced: false },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', namespaced: false },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', namespaced: false },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', namespaced: true },
};

/** The objects, by resource and `namespace/name` (cluster-scoped: `/name`). */
export class KubeState {
  private readonly objects = new Map<KubeResource, Map<string, KubeObject>>();
  private revision = 1000;

  constructor() {
    for (const resource of Object.keys(RESOURCES) as KubeResource[]) this.objects.set(resource, new Map());
  }

  /** The current resourceVersion of the whole store (what a list answers). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** The object, or undefined. */
  get(resource: KubeResource, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.get(resource)!.get(key(name, namespace));
  }

  /** Every object of the resource, in one namespace when given, sorted by namespace then name. */
  list(resource: KubeResource, namespace?: string): KubeObject[] {
    return [...this.objects.get(resource)!.values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .sort((a, b) => key(a.metadata.name, a.metadata.namespace).localeCompare(key(b.metadata.name, b.metadata.namespace)));
  }

  /** Stores a new object, giving it a uid, a resourceVersion and a creation time. */
  create(resource: KubeResource, object: Omit<KubeObject, 'apiVersion' | 'kind'> & { metadata: Partial<KubeMeta> & { name: string } }): KubeObject {
    const info = RESOURCES[resource];
    const stored: KubeObject = {
      ...object,
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      kind: info.kind,
      metadata: {
        ...object.metadata,
        name: object.metadata.name,
        uid: randomUUID(),
        resourceVersion: this.bump(),
        creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
    if (!info.namespaced) delete stored.metadata.namespace;
    this.objects.get(resource)!.set(key(stored.metadata.name, stored.metadata.namespace), stored);
    return stored;
  }

  /** Replaces an existing object's fields, keeping its uid and creation time and bumping its resourceVersion. */
  replace(resource: KubeResource, object: KubeObject): KubeObject {
    const old = this.get(resource, object.metadata.name, object.metadata.namespace);
    if (!old) throw new Error(`no ${resource} ${object.metadata.name}`);
    const stored: KubeObject = {
      ...object,
      apiVersion: old.apiVersion,
      kind: old.kind,
      metadata: { ...object.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: this.bump() },
    };
    this.objects.get(resource)!.set(key(stored.metadata.name, stored.metadata.namespace), stored);
    return stored;
  }

  /** Removes the object; a namespace takes its RoleBindings with it (what namespace finalization does). */
  remove(resource: KubeResource, name: string, namespace?: string): KubeObject | undefined {
    const map = this.objects.get(resource)!;
    const old = map.get(key(name, namespace));
    if (!old) return undefined;
    map.delete(key(name, namespace));
    this.bump();
    if (resource === 'namespaces') {
      for (const binding of this.list('rolebindings', name)) this.objects.get('rolebindings')!.delete(key(binding.metadata.name, name));
    }
    return old;
  }

  /** Adds a namespace with annotations and labels (a test's setup). */
  addNamespace(name: string, annotations: Record<string, string> = {}, labels: Record<string, string> = {}): KubeObject {
    return this.create('namespaces', {
      metadata: { name, annotations, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  /** Adds a ClusterRole with its rules (a test's setup). */
  addClusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}): KubeObject {
    return this.create('clusterroles', { metadata: { name, labels }, rules });
  }

  /** Binds a ClusterRole to subjects, cluster-wide or in a namespace (a test's setup: standing access). */
  addBinding(name: string, clusterRole: string, subjects: { kind: string; name: string; namespace?: string }[], namespace?: string, labels: Record<string, string> = {}): KubeObject {
    const body = {
      metadata: { name, ...(namespace ? { namespace } : {}), labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: subjects.map((s) => ({ ...(s.kind === 'ServiceAccount' ? {} : { apiGroup: 'rbac.authorization.k8s.io' }), ...s })),
    };
    return this.create(namespace ? 'rolebindings' : 'clusterrolebindings', body);
  }

  /** Marks a namespace as being deleted: the API server then refuses new content in it. */
  terminateNamespace(name: string): void {
    const ns = this.get('namespaces', name);
    if (!ns) throw new Error(`no namespace ${name}`);
    this.replace('namespaces', { ...ns, metadata: { ...ns.metadata, deletionTimestamp: new Date().toISOString() }, status: { phase: 'Terminating' } });
  }

  private bump(): string {
    this.revision += 1;
    return String(this.revision);
  }
}

function key(name: string, namespace: string | undefined): string {
  return `${namespace ?? ''}/${name}`;
}
