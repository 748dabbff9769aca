/**
 * The runner's ClusterRole covers every call the adapter makes (KUBE_CALLS) and nothing more, binds only the
 * configured roles, and the shipped configs/kubernetes/runner-rbac.yaml is what the example config generates.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KUBE_CALLS } from '../../../scripts/adapters/kubernetes/kube-client.js';
import { runnerRbacObjects, runnerRules, type RbacRule } from '../../../scripts/adapters/kubernetes/runner-rbac.js';
import { loadKubeCatalog } from '../../../scripts/config/kubernetes/load-kube-catalog.js';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function allows(rules: RbacRule[], verb: string, group: string, resource: string, name?: string): boolean {
  return rules.some((r) => r.verbs.includes(verb) && r.apiGroups.includes(group) && r.resources.includes(resource) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
}

describe('runner RBAC for Kubernetes', async () => {
  const { settings } = await loadKubeCatalog({ clusters: [{ name: 'prod', connection: { in_cluster: true }, roles: ['view', 'edit'] }] }, { maxTtlSeconds: 3600 });
  const cluster = settings.prod!;
  const rules = runnerRules(cluster);

  it('covers every call the adapter makes', () => {
    for (const [call, needs] of Object.entries(KUBE_CALLS)) {
      for (const need of needs) {
        const name = need.resource === 'clusterroles' ? 'edit' : undefined;
        expect(allows(rules, need.verb, need.group, need.resource, name), `${call}: ${need.verb} ${need.resource}`).toBe(true);
      }
    }
  });

  it('binds only the configured ClusterRoles, and may not write roles or cluster bindings', () => {
    expect(allows(rules, 'bind', 'rbac.authorization.k8s.io', 'clusterroles', 'cluster-admin')).toBe(false);
    expect(allows(rules, 'escalate', 'rbac.authorization.k8s.io', 'clusterroles', 'edit')).toBe(false);
    for (const verb of ['create', 'update', 'patch', 'delete']) expect(allows(rules, verb, 'rbac.authorization.k8s.io', 'clusterroles', 'edit')).toBe(false);
    expect(allows(rules, 'create', 'rbac.authorization.k8s.io', 'clusterrolebindings')).toBe(false);
    expect(rules.some((r) => r.verbs.includes('*') || r.resources.includes('*') || r.apiGroups.includes('*'))).toBe(false);
    expect(allows(rules, 'delete', '', 'namespaces')).toBe(false);
  });

  it('adds ClusterRoleBindings only for a cluster that allows cluster-wide grants', async () => {
    const wide = (await loadKubeCatalog({ clusters: [{ name: 'lab', connection: { in_cluster: true }, roles: ['view'], cluster_wide: true }] }, { maxTtlSeconds: 3600 })).settings.lab!;
    expect(allows(runnerRules(wide), 'create', 'rbac.authorization.k8s.io', 'clusterrolebindings')).toBe(true);
  });

  it('ships configs/kubernetes/runner-rbac.yaml as generated from configs/jit.yaml', async () => {
    const config = parse(readFileSync(resolve(ROOT, 'configs', 'jit.yaml'), 'utf8')) as { kubernetes: unknown };
    const generated = (await loadKubeCatalog(config.kubernetes, { maxTtlSeconds: 3600 })).settings;
    const expected = Object.values(generated).flatMap((c) => runnerRbacObjects(c));
    const shipped = parseAllDocuments(readFileSync(resolve(ROOT, 'configs', 'kubernetes', 'runner-rbac.yaml'), 'utf8')).map((d) => d.toJS() as unknown);
    expect(shipped).toEqual(expected);
  });
});
