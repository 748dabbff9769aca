/**
 * Namespace owners approve: the config's namespace_approvers first, then the namespace's
 * `kubiya-jit.io/approver-groups` annotation limited to the cluster's annotation_allowlist, then the usual
 * routing for namespaces that name no owner. Through the real CLI against the Kubernetes API stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../../scripts/standins/kube-api-server.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { clusterSection, startCluster } from './kube-harness.js';

describe('k8s_request_<cluster> routes approval to the namespaces\' owners', () => {
  let h: LifecycleHarness;
  let kube: KubeApiServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      config.kubernetes = clusterSection();
      const directory = config.directory as { groups: Record<string, string[]> };
      directory.groups['billing-owners'] = [PEOPLE.bob.email];
      directory.groups['risk-owners'] = [PEOPLE.carol.email];
      directory.groups.intruders = [PEOPLE.mallory.email];
    });
    ({ kube, env } = await startCluster(h));
  });
  afterAll(async () => {
    await kube?.close();
    await h?.close();
  });

  const ask = (namespaces: string) =>
    h.run(PEOPLE.dev.email, ['k8s_request_prod', '--namespaces', namespaces, '--role', 'view', '--justification', 'Read the ledger for INC-9'], { env });

  it('routes to the annotated owners only, ignoring groups outside the allowlist', async () => {
    const asked = await ask('["billing", "risk"]');
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id], { env });
    expect(described.json).toMatchObject({ approver_groups: ['billing-owners', 'risk-owners'] });
    expect(String((described.json.routing as { explanation: string }).explanation)).toMatch(/ignored, not in annotation_allowlist: intruders/);
    expect((described.json.approvers as string[]).sort()).toEqual([PEOPLE.bob.email, PEOPLE.carol.email]);

    const intruder = await h.run(PEOPLE.mallory.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve'], { env });
    expect(intruder.code).toBe(1);
    const platform = await h.run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve'], { env });
    expect(platform.code).toBe(1);
    expect(kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === id)).toEqual([]);

    // Each namespace's owners approve: billing's first leaves the request waiting for risk's, with nothing bound.
    const billing = await h.run(PEOPLE.bob.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve'], { env });
    expect(billing.json.status, billing.stdout).toBe('approval_pending');
    expect(kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === id)).toEqual([]);
    const risk = await h.run(PEOPLE.carol.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve'], { env });
    expect(risk.json.status, risk.stdout).toBe('access_granted');
  });

  it('prefers the config mapping, and adds the usual routing for a namespace with no owner', async () => {
    const mapped = await ask('["audit-eu"]');
    const mappedRequest = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', mapped.json.request_id as string], { env });
    expect(mappedRequest.json.approver_groups).toEqual(['risk-owners']);

    const mixed = await ask('["billing", "orders"]');
    const mixedRequest = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', mixed.json.request_id as string], { env });
    expect(mixedRequest.json.approver_groups).toEqual(['billing-owners', 'platform-approvers']);
    expect(String((mixedRequest.json.routing as { explanation: string }).explanation)).toMatch(/For orders: .*default approver groups/);
  });
});
