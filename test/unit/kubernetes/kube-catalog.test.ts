/** The `kubernetes` config section, the generated entries and their parameter checks, tried with bad input. */
import { describe, expect, it } from 'vitest';
import { bindingName, subjectFor } from '../../../scripts/adapters/kubernetes/kube-bindings.js';
import { loadKubeCatalog } from '../../../scripts/config/kubernetes/load-kube-catalog.js';
import { toolParamsFromArgs } from '../../../tools/definitions/generated.js';

const cluster = (extra: Record<string, unknown> = {}) => ({
  name: 'prod-eu',
  connection: { kubeconfig_env: 'KUBE_PROD' },
  roles: ['view', 'edit'],
  namespaces: { allow: ['*'], deny: ['vault*'] },
  subjects: { kind: 'User', name: 'oidc:{email}', allowed_domains: ['example.com'] },
  ...extra,
});
const load = (clusters: unknown[]) => loadKubeCatalog({ clusters }, { maxTtlSeconds: 28800 });

describe('kubernetes config', () => {
  it('builds k8s_request_<cluster> with its revoke tool, namespaces as a list and role as a choice', async () => {
    const { entries, settings } = await load([cluster()]);
    expect(entries.map((e) => [e.name, e.dedicatedTool?.revokeTool, e.provider])).toEqual([['k8s_request_prod_eu', 'k8s_revoke_prod_eu', 'kubernetes']]);
    expect(settings['prod-eu']).toMatchObject({ clusterWide: false, roles: ['view', 'edit'] });
    expect(toolParamsFromArgs(entries[0]!, { namespaces: '[payments checkout]', role: 'edit' })).toEqual({ namespaces: ['payments', 'checkout'], role: 'edit' });
    expect(toolParamsFromArgs(entries[0]!, { namespaces: '["payments"]', role: 'edit' })).toEqual({ namespaces: ['payments'], role: 'edit' });
    expect(toolParamsFromArgs(entries[0]!, { namespaces: 'payments, checkout', role: 'edit' })).toEqual({ namespaces: ['payments', 'checkout'], role: 'edit' });
  });

  it('refuses a bad cluster entry, naming the cluster and the field', async () => {
    await expect(load([cluster({ name: 'Prod EU' })])).rejects.toThrow(/kubernetes.clusters\[0\].*field name/);
    await expect(load([cluster({ roles: [] })])).rejects.toThrow(/field roles/);
    await expect(load([cluster({ connection: { kubeconfig_env: 'lower' } })])).rejects.toThrow(/connection/);
    await expect(load([cluster({ subjects: { name: 'everyone' } })])).rejects.toThrow(/must contain \{email\} or \{local\}/);
    await expect(load([cluster(), cluster()])).rejects.toThrow(/already named prod-eu/);
    await expect(load([cluster({ colour: 'red' })])).rejects.toThrow(/colour.*not a known field/);
  });

  it('refuses each bad request parameter with a message naming it', async () => {
    const entry = (await load([cluster()])).entries[0]!;
    const issues = (params: Record<string, unknown>) => entry.validateParams(params as never).map((i) => i.message).join(' | ');
    expect(issues({ namespaces: ['payments'], role: 'edit' })).toBe('');
    expect(issues({ namespaces: ['payments'], role: 'cluster-admin' })).toMatch(/role "cluster-admin" may not be granted/);
    expect(issues({ namespaces: [], role: 'edit' })).toMatch(/non-empty list/);
    expect(issues({ namespaces: 'payments', role: 'edit' })).toMatch(/non-empty list/);
    expect(issues({ namespaces: ['a', 'a'], role: 'edit' })).toMatch(/listed twice/);
    expect(issues({ namespaces: ['../etc'], role: 'edit' })).toMatch(/not a namespace name/);
    expect(issues({ namespaces: ['Payments'], role: 'edit' })).toMatch(/not a namespace name/);
    expect(issues({ namespaces: ['vault-prod'], role: 'edit' })).toMatch(/denied/);
    expect(issues({ namespaces: ['kube-system'], role: 'view' })).toMatch(/system namespace/);
    expect(issues({ namespaces: ['*'], role: 'view' })).toMatch(/cluster-wide grants are not allowed/);
    expect(issues({ namespaces: Array.from({ length: 21 }, (_, i) => `ns${i}`), role: 'view' })).toMatch(/at most 20/);
    expect(issues({ namespaces: ['payments'], role: 'edit', verbs: ['*'] })).toMatch(/remove "verbs"/);
  });

  it('opens kube-system only when listed by name, and cluster-wide only where allowed', async () => {
    const entry = (await load([cluster({ namespaces: { allow: ['kube-system', 'team-*'] }, cluster_wide: true })])).entries[0]!;
    expect(entry.validateParams({ namespaces: ['kube-system'], role: 'view' })).toEqual([]);
    expect(entry.validateParams({ namespaces: ['kube-public'], role: 'view' })).not.toEqual([]);
    expect(entry.validateParams({ namespaces: ['payments'], role: 'view' })[0]?.message).toMatch(/not one cluster prod-eu allows/);
    expect(entry.validateParams({ namespaces: ['*'], role: 'view' })).toEqual([]);
    expect(entry.validateParams({ namespaces: ['*', 'team-a'], role: 'view' })[0]?.message).toMatch(/cannot be combined/);
  });

  it('maps emails to subjects by pattern and override, refusing other domains and hostile names', async () => {
    const { settings } = await load([cluster({ subjects: { kind: 'Group', name: 'oidc:{local}', allowed_domains: ['example.com'], overrides: { 'Boss@Example.com': 'oidc:the-boss' } } })]);
    const c = settings['prod-eu']!;
    expect(subjectFor(c, 'Dev@Example.com')).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:dev' });
    expect(subjectFor(c, 'boss@example.com').name).toBe('oidc:the-boss');
    expect(() => subjectFor(c, 'dev@partner.com')).toThrow(/domain is not one of example.com/);
    expect(() => subjectFor(c, 'not-an-email')).toThrow(/not an email/);
    expect(() => subjectFor(c, 'a"b@example.com')).toThrow(/not a subject name/);
  });

  it('names bindings deterministically from the request id, as a valid object name', () => {
    expect(bindingName('req_8F2k1xq')).toBe('kubiya-jit-req-8f2k1xq');
    expect(bindingName('req_8F2k1xq')).toBe(bindingName('req_8F2k1xq'));
    expect(bindingName('req_a')).not.toBe(bindingName('req_b'));
  });
});
