import type { OwnerRouting } from '../../core/ports.js';
import type { KubeCalls } from './kube-client.js';
import { matchesPattern } from './kube-namespaces.js';
import type { KubeClusterSettings } from './kube-settings.js';

/** The annotation a namespace names its owning groups in, comma-separated. */
export const APPROVER_GROUPS_ANNOTATION = 'kubiya-jit.io/approver-groups';

/**
 * The owners of each namespace, read at request time: the config's `namespace_approvers` first (an exact key,
 * else the first matching pattern), then the namespace's annotation, keeping only groups in the cluster's
 * `annotation_allowlist` (anyone who may edit a namespace may write the annotation, so it can only choose among
 * groups the config trusts). Namespaces with neither are `uncovered`.
 */
export async function namespaceOwners(cluster: KubeClusterSettings, api: KubeCalls, namespaces: string[]): Promise<OwnerRouting | undefined> {
  const groups = new Set<string>();
  const said: string[] = [];
  const uncovered: string[] = [];
  const owners: { groups: string[]; targets: string[] }[] = [];
  // Namespaces owned by the same groups share one approval; each other set of owners approves on its own.
  const own = (owning: string[], namespace: string) => {
    const key = [...owning].sort().join('\n');
    const found = owners.find((o) => [...o.groups].sort().join('\n') === key);
    if (found) found.targets.push(namespace);
    else owners.push({ groups: [...owning], targets: [namespace] });
  };
  for (const namespace of namespaces) {
    const mapped = cluster.namespaceApprovers[namespace] ?? Object.entries(cluster.namespaceApprovers).find(([pattern]) => matchesPattern(pattern, namespace))?.[1];
    if (mapped && mapped.length > 0) {
      mapped.forEach((g) => groups.add(g));
      own(mapped, namespace);
      said.push(`${namespace} is owned by ${mapped.join(', ')} (config namespace_approvers)`);
      continue;
    }
    const annotation = (await api.readNamespace(namespace))?.annotations[APPROVER_GROUPS_ANNOTATION] ?? '';
    const named = [...new Set(annotation.split(/[\s,]+/).filter(Boolean))];
    const allowed = named.filter((g) => cluster.annotationAllowlist.includes(g));
    const refused = named.filter((g) => !allowed.includes(g));
    if (allowed.length > 0) {
      allowed.forEach((g) => groups.add(g));
      own(allowed, namespace);
      said.push(`${namespace} is owned by ${allowed.join(', ')} (namespace annotation)${refused.length ? `; ignored, not in annotation_allowlist: ${refused.join(', ')}` : ''}`);
    } else {
      uncovered.push(namespace);
      if (refused.length) said.push(`${namespace} names ${refused.join(', ')}, none in annotation_allowlist`);
    }
  }
  if (groups.size === 0) return undefined;
  return { groups: [...groups], explanation: `${said.join('; ')}.`, uncovered, owners };
}
