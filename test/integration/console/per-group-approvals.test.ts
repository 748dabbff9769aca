/**
 * The console shows where a request needing several approvals stands: a Kubernetes request spanning a
 * namespace owned by risk-owners (config) and one owned by billing-owners (annotation), approved in Debian's
 * Chromium by the first group's owner, shows that group approved and the other waiting, to the approver and
 * live to the requester; the API's `approvals` field and OpenAPI document say the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeCatalog } from '../../../scripts/config/kubernetes/load-kube-catalog.js';
import { launchChromium, signInInBrowser } from '../../../scripts/demo/console-browser.js';
import { ConsoleWorld } from '../../../scripts/demo/console-world.js';
import { startKubeApiServer, type KubeApiServer } from '../../../scripts/standins/kube-api-server.js';
import { ConsoleClient } from '../../support/console-client.js';
import { clusterSection, KUBECONFIG_ENV, RUNNER_TOKEN, seedRunner } from '../kubernetes/kube-harness.js';

let world: ConsoleWorld;
let kube: KubeApiServer;
let browser: Browser;
let dir: string;
const contexts: BrowserContext[] = [];

async function person(email: string): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signInInBrowser(page, world.baseUrl, email);
  return page;
}

/** The per-requirement lines of the request page: label → [met, text]. */
const lines = (page: Page) =>
  page.$$eval('[data-testid="approvals"] li', (items) => items.map((li) => [li.getAttribute('data-requirement'), li.getAttribute('data-met'), li.textContent?.replace(/\s+/g, ' ').trim()]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jit-console-kube-'));
  kube = await startKubeApiServer();
  kube.state.addNamespace('audit-eu');
  kube.state.addNamespace('billing', { 'kubiya-jit.io/approver-groups': 'billing-owners' });
  kube.state.addClusterRole('view', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  kube.state.addClusterRole('edit', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'create', 'delete'] }]);
  const { settings } = await loadKubeCatalog(clusterSection(), { maxTtlSeconds: 28800 });
  seedRunner(kube, settings.prod!);
  kube.addToken(RUNNER_TOKEN, { name: 'system:serviceaccount:kubiya-jit:kubiya-jit-runner', groups: ['system:serviceaccounts', 'system:authenticated'] });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kube.kubeconfig(RUNNER_TOKEN, 'prod-admin'));
  const configure = (config: Record<string, unknown>) => {
    config.kubernetes = clusterSection();
    const groups = (config.directory as { groups: Record<string, string[]> }).groups;
    groups['risk-owners'] = ['alice@example.com'];
    groups['billing-owners'] = ['bob@example.com'];
  };
  [world, browser] = await Promise.all([ConsoleWorld.start(configure, { [KUBECONFIG_ENV]: kubeconfig }), launchChromium()]);
}, 90_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await world?.close();
  await kube?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the console with a request that needs two owning groups', () => {
  it('shows the first group approved and the second waiting after the first approval, then both', async () => {
    const devApi = await new ConsoleClient(world.baseUrl).signIn('dev@example.com');
    const made = await devApi.api('POST', '/api/v1/requests', { tool_name: 'k8s_request_prod', tool_params: { namespaces: ['audit-eu', 'billing'], role: 'edit' }, ttl: '30m', justification: 'INC-90 ledgers' });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const id = String(made.json.request_id);

    const [dev, alice, bob] = await Promise.all([person('dev@example.com'), person('alice@example.com'), person('bob@example.com')]);
    await dev.goto(`${world.baseUrl}/requests/${id}`);
    expect(await lines(dev)).toEqual([
      ['risk-owners', 'false', 'risk-owners for audit-eu: waiting for one more approval'],
      ['billing-owners', 'false', 'billing-owners for billing: waiting for one more approval'],
    ]);
    await dev.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    // alice owns audit-eu (config namespace_approvers) and approves from the request's page.
    await alice.goto(`${world.baseUrl}/requests/${id}`);
    await Promise.all([alice.waitForLoadState('load'), alice.click('[data-testid="approve"]')]);
    await alice.waitForSelector('[data-testid="approvals"] li[data-requirement="risk-owners"][data-met="true"]');
    expect(await alice.textContent('[data-testid="status"]')).toBe('approval pending');
    const afterFirst = await lines(alice);
    expect(afterFirst[0]).toEqual(['risk-owners', 'true', expect.stringMatching(/^risk-owners for audit-eu: approved by alice@example\.com \(\d{4}-\d\d-\d\d [\d:.]+ UTC\)$/)]);
    expect(afterFirst[1]).toEqual(['billing-owners', 'false', 'billing-owners for billing: waiting for one more approval']);
    // Her approval counts once: she is not offered the button again.
    expect(await alice.$('[data-testid="approve"]')).toBeNull();
    expect(kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === id)).toEqual([]);

    // The requester's page follows without a reload.
    await dev.waitForSelector('[data-testid="approvals"] li[data-requirement="risk-owners"][data-met="true"]', { timeout: 15_000 });
    expect(await dev.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect((await lines(dev))[1]![1]).toBe('false');

    // The API says the same, in the shape the OpenAPI document declares.
    const described = await devApi.api('GET', `/api/v1/requests/${id}`);
    expect(described.json.approvals).toMatchObject([
      { requirement: 'risk-owners', groups: ['risk-owners'], required: 1, targets: ['audit-eu'], met: true, missing: 0, approved_by: [{ approver: 'alice@example.com' }] },
      { requirement: 'billing-owners', groups: ['billing-owners'], required: 1, targets: ['billing'], met: false, missing: 1, approved_by: [] },
    ]);
    type Schema = { properties: Record<string, { type?: string; items?: { required?: string[] } }> };
    const openapi = (await (await fetch(`${world.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> } }> };
    const declared = openapi.paths['/api/v1/requests/{request_id}']!.get.responses['200']!.content['application/json']!.schema.properties.approvals!;
    expect(declared.type).toBe('array');
    expect(declared.items?.required).toEqual(expect.arrayContaining(['requirement', 'groups', 'required', 'targets', 'met', 'missing', 'approved_by']));

    await bob.goto(`${world.baseUrl}/requests/${id}`);
    await Promise.all([bob.waitForLoadState('load'), bob.click('[data-testid="approve"]')]);
    await bob.waitForSelector('[data-testid="status"].access_granted');
    expect((await lines(bob)).map(([label, met]) => [label, met])).toEqual([
      ['risk-owners', 'true'],
      ['billing-owners', 'true'],
    ]);
    expect(kube.state.list('rolebindings').filter((b) => b.metadata.labels?.['kubiya-jit.io/request-id'] === id)).toHaveLength(2);
  });
});
