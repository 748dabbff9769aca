import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInInBrowser } from '../../../scripts/demo/console-browser.js';
import { ConsoleWorld } from '../../../scripts/demo/console-world.js';

const HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';

let world: ConsoleWorld;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A new person: their own browser context (cookies), signed in. */
async function person(email: string): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await signInInBrowser(page, world.baseUrl, email);
  return page;
}

let dev: Page;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  [world, browser] = await Promise.all([ConsoleWorld.start(), launchChromium()]);
  // One browser for the file, one context (cookie jar) per person, signed in once.
  [dev, alice, bob] = await Promise.all([person('dev@example.com'), person('alice@example.com'), person('bob@example.com')]);
}, 90_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await world?.close();
});

describe('the console in Debian Chromium', () => {
  it('requests as one person, approves as another, and both pages follow live; then revoke and the timeline', async () => {
    await dev.goto(`${world.baseUrl}/request`);
    await dev.click('[data-entry="create_ec2"]');
    await dev.selectOption('[name="param.region"]', 'eu-west-1');
    await dev.fill('#ttl', '45m');
    await dev.fill('#justification', `INC-7 ${HOSTILE}`);
    // The approvers dry run, before sending.
    await expect.poll(() => dev.textContent('[data-testid="approvers-preview"]')).toContain('alice@example.com, bob@example.com');
    await Promise.all([dev.waitForURL(/\/requests\/req_/), dev.click('[data-testid="send"]')]);
    const requestId = dev.url().split('/').pop()!;
    expect(await dev.textContent('[data-testid="status"]')).toBe('approval pending');
    expect(await dev.textContent('[data-testid="justification"]')).toContain('<script>window.pwned=1</script>');

    // Bob watches the queue; alice approves from the request's own page.
    await bob.goto(`${world.baseUrl}/approvals`);
    await bob.waitForSelector(`[data-testid="queue"] tr[data-request="${requestId}"]`);
    await bob.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await dev.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    await alice.goto(`${world.baseUrl}/requests/${requestId}`);
    expect(await alice.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await alice.fill('[aria-label="TTL override"]', '20m');
    await Promise.all([alice.waitForLoadState('load'), alice.click('[data-testid="approve"]')]);
    await alice.waitForSelector('[data-testid="status"].access_granted');

    // Without a reload: dev's page turns to granted, bob's queue empties.
    await dev.waitForSelector('[data-testid="status"].access_granted', { timeout: 15_000 });
    await bob.waitForSelector('[data-testid="queue"] [data-testid="empty"]', { timeout: 15_000 });
    expect(await dev.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await bob.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await dev.textContent('[data-testid="time-left"]')).toMatch(/left|until/);
    expect(world.hasGrant(requestId)).toBe(true);

    // "I'm done": revoke, and the timeline from the audit log shows every step.
    await dev.fill('[aria-label="Reason"]', 'finished the incident');
    await Promise.all([dev.waitForLoadState('load'), dev.click('[data-testid="revoke"]')]);
    await dev.waitForSelector('[data-testid="status"].revoked');
    const timeline = await dev.$$eval('[data-testid="timeline"] li', (items) => items.map((li) => li.getAttribute('data-event')));
    expect(timeline).toEqual(expect.arrayContaining(['request_created', 'request_approved', 'access_granted', 'revocation_started']));
    expect(world.hasGrant(requestId)).toBe(false);
    for (const page of [dev, bob, alice]) expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('refuses self-approval and a rejection shows its reason', async () => {
    const response = await dev.request.post(`${world.baseUrl}/api/v1/requests`, {
      headers: { 'x-csrf-token': (await dev.getAttribute('meta[name="csrf-token"]', 'content'))!, origin: world.baseUrl },
      data: { tool_name: 'restart_service', tool_params: { service: 'api' }, justification: 'deploy stuck' },
    });
    expect(response.status()).toBe(201);
    const requestId = String(((await response.json()) as { request_id: string }).request_id);
    // The approve button is not offered to the requester; a hand-made post is refused by the use case.
    await dev.goto(`${world.baseUrl}/requests/${requestId}`);
    expect(await dev.$('[data-testid="approve"]')).toBeNull();
    const forced = await dev.request.post(`${world.baseUrl}/requests/${requestId}/approve`, {
      headers: { origin: world.baseUrl },
      form: { _csrf: (await dev.getAttribute('meta[name="csrf-token"]', 'content'))! },
      maxRedirects: 0,
    });
    expect(forced.status()).toBe(403);
    expect(await forced.text()).toContain('approval.self_approval');

    await bob.goto(`${world.baseUrl}/approvals`);
    const row = bob.locator(`tr[data-request="${requestId}"]`);
    await row.locator('[aria-label="Reason"]').fill('use the runbook <b>first</b>');
    await Promise.all([bob.waitForLoadState('load'), row.locator('[data-testid="reject"]').click()]);
    await dev.waitForSelector('[data-testid="status"].access_denied', { timeout: 15_000 });
    expect(await dev.textContent('#live')).toContain('use the runbook <b>first</b>');
  });

  it('refuses a form posted from another site', async () => {
    const before = ((await (await dev.request.get(`${world.baseUrl}/api/v1/user-requests`)).json()) as { requests: unknown[] }).requests.length;
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form id="f" method="post" action="${world.baseUrl}/request"><input name="tool_name" value="create_ec2"><input name="param.region" value="eu-west-1"><input name="justification" value="csrf"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const responses: number[] = [];
      dev.on('response', (r) => {
        if (r.url() === `${world.baseUrl}/request` && r.request().method() === 'POST') responses.push(r.status());
      });
      await dev.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await expect.poll(() => responses.length).toBe(1);
      expect(responses[0]).toBe(403);
      const after = ((await (await dev.request.get(`${world.baseUrl}/api/v1/user-requests`)).json()) as { requests: unknown[] }).requests.length;
      expect(after).toBe(before);
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});
