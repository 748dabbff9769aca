/**
 * `npm run screenshots`: takes a screenshot of each console page for docs/console.md, in Debian's Chromium,
 * against a whole console world (stand-ins labelled as such; nothing reaches a vendor).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { launchChromium, signInInBrowser } from './console-browser.js';
import { ConsoleWorld } from './console-world.js';

const OUT = resolve(PACKAGE_ROOT, 'docs', 'console');

async function person(browser: Browser, world: ConsoleWorld, email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
  await signInInBrowser(page, world.baseUrl, email);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(OUT, `${name}.png`), fullPage: true });
  process.stdout.write(`docs/console/${name}.png\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [world, browser] = await Promise.all([ConsoleWorld.start(), launchChromium()]);
  try {
    const signin = await (await browser.newContext({ viewport: { width: 1200, height: 600 } })).newPage();
    await signin.goto(`${world.baseUrl}/signin`);
    await shot(signin, 'signin');

    const [dev, alice, erin] = [await person(browser, world, 'dev@example.com'), await person(browser, world, 'alice@example.com'), await person(browser, world, 'erin@example.com')];
    const csrf = async (page: Page) => (await page.getAttribute('meta[name="csrf-token"]', 'content'))!;
    const ask = async (body: Record<string, unknown>) =>
      (await (await dev.request.post(`${world.baseUrl}/api/v1/requests`, { headers: { 'x-csrf-token': await csrf(dev), origin: world.baseUrl }, data: body })).json()) as { request_id: string };
    const granted = await ask({ tool_name: 'create_ec2', tool_params: { region: 'eu-west-1' }, ttl: '2h', justification: 'INC-1423: scale out the checkout fleet' });
    await ask({ tool_name: 'restart_service', tool_params: { service: 'payments-api' }, ttl: '30m', justification: 'Deploy stuck on payments-api' });
    await alice.request.post(`${world.baseUrl}/api/v1/requests/${granted.request_id}/decision`, { headers: { 'x-csrf-token': await csrf(alice), origin: world.baseUrl }, data: { approval_action: 'approve', ttl: '1h' } });

    await dev.goto(`${world.baseUrl}/request?tool=create_ec2`);
    await dev.selectOption('[name="param.region"]', 'us-east-1');
    await dev.fill('#justification', 'Load test for the spring release');
    await dev.waitForTimeout(800);
    await shot(dev, 'request');
    await dev.goto(`${world.baseUrl}/requests/mine`);
    await shot(dev, 'my-requests');
    await alice.goto(`${world.baseUrl}/approvals`);
    await shot(alice, 'approvals');
    await dev.goto(`${world.baseUrl}/requests/${granted.request_id}`);
    await shot(dev, 'request-page');
    await alice.goto(`${world.baseUrl}/analytics?since=7d`);
    await shot(alice, 'analytics');
    await erin.goto(`${world.baseUrl}/audit`);
    await shot(erin, 'audit');
    await dev.goto(`${world.baseUrl}/tokens`);
    await dev.fill('#token-name', 'ci-pipeline');
    await Promise.all([dev.waitForLoadState('load'), dev.click('[data-testid="create-token"]')]);
    await shot(dev, 'tokens');
  } finally {
    await browser.close();
    await world.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
