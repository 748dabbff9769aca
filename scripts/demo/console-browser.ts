/**
 * Debian's Chromium driven by playwright-core, for the console's browser tests and its screenshots: the
 * system browser (Playwright's own downloads are not reachable here) with the flags this machine needs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
// Headless as root, without reaching for the network (see ENVIRONMENT.md); Playwright adds a fresh profile.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts Chromium headless, or says how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Debian's Chromium is needed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it).`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Signs a page in as `email` through the console's sign-in page and the provider stand-in's login form. */
export async function signInInBrowser(page: Page, baseUrl: string, email: string, provider = 'google'): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.click(`[data-provider="${provider}"]`);
  await page.fill('#login', email);
  await Promise.all([page.waitForURL(`${baseUrl}/**`), page.click('#sign-in')]);
  await page.waitForSelector('[data-testid="who"]');
}
