import type { KubeClusterSettings } from './kube-settings.js';
import { CLUSTER_WIDE, SYSTEM_NAMESPACES } from './kube-settings.js';

/** A namespace name as Kubernetes accepts it (an RFC 1123 label). */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Whether `name` matches the pattern, where `*` stands for any run of characters. */
export function matchesPattern(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(name);
}

/**
 * Why `namespace` may not be granted in this cluster, or undefined when it may. System namespaces need an
 * exact allow entry: `*` alone must never open `kube-system`.
 */
export function namespaceRefusal(cluster: KubeClusterSettings, namespace: string): string | undefined {
  if (namespace === CLUSTER_WIDE) {
    return cluster.clusterWide ? undefined : `cluster-wide grants are not allowed in cluster ${cluster.name}; name the namespaces instead`;
  }
  if (!NAMESPACE_NAME.test(namespace)) return `"${namespace.slice(0, 70)}" is not a namespace name (lowercase letters, digits and -, at most 63)`;
  if (SYSTEM_NAMESPACES.includes(namespace) && !cluster.allow.includes(namespace)) {
    return `namespace ${namespace} is a system namespace and is not listed by name in the cluster's namespaces.allow`;
  }
  if (cluster.deny.some((pattern) => matchesPattern(pattern, namespace))) return `namespace ${namespace} is denied in cluster ${cluster.name}`;
  if (!cluster.allow.some((pattern) => matchesPattern(pattern, namespace))) return `namespace ${namespace} is not one cluster ${cluster.name} allows`;
  return undefined;
}
