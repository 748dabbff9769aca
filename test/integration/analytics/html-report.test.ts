import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { writeHistory } from '../../../scripts/bench/analytics-history.js';
import { CLI } from '../../support/lifecycle-harness.js';
import { requestFixture } from '../../support/request-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// The flags this machine's Chromium needs headless as root, without reaching for the network (ENVIRONMENT.md).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<script>window.pwned=1</script><img src="http://127.0.0.1:9/x.png">';

describe('the HTML report, opened in Debian Chromium', () => {
  let dir: string;
  let report: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Debian's Chromium is needed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it).`);
    dir = mkdtempSync(join(tmpdir(), 'jit-report-'));
    const database = join(dir, 'jit.sqlite');
    const now = Date.now();
    const store = SqliteRequestStore.open(database);
    await writeHistory(store, { requests: 1500, from: now - 30 * 86_400_000, to: now });
    // Someone keeps asking with markup in the parameters: it reaches the findings, as text.
    for (let i = 0; i < 5; i += 1) {
      await store.create(requestFixture({ id: `req_hostile_${i}`, requester: 'mallory@example.com', toolName: 'debug_tool', toolParams: { note: HOSTILE }, createdAt: now - (i + 1) * 3_600_000 }), []);
    }
    await store.close();
    const config = join(dir, 'jit.json');
    writeFileSync(config, JSON.stringify({ enforcer: { type: 'none' }, tools: [{ name: 'create_ec2', description: 'Create an EC2 instance' }], analytics: { time_zone: 'Europe/Berlin' } }));
    report = join(dir, 'report.html');
    const run = spawnSync(process.execPath, [CLI, 'analytics', '--html', report], {
      env: { PATH: process.env.PATH, JIT_CONFIG: config, JIT_DATABASE: database, JIT_LOG_FILE: join(dir, 'log') },
      encoding: 'utf8',
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    // Playwright gives the browser a new, empty profile of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders all five charts with no script, no console error and no network request', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(report).href);

    const charts = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { name: figure.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0, shapes: svg?.querySelectorAll('path, rect').length ?? 0, texts: svg?.querySelectorAll('text').length ?? 0 };
      }),
    );
    expect(charts.map((c) => c.name)).toEqual(['timeline', 'decision_time', 'weekday_hour', 'top_tools', 'expiry_lag']);
    for (const chart of charts) {
      expect(chart.width, chart.name!).toBeGreaterThan(300);
      expect(chart.height, chart.name!).toBeGreaterThan(200);
      expect(chart.shapes, chart.name!).toBeGreaterThan(10);
      expect(chart.texts, chart.name!).toBeGreaterThan(3);
    }
    // The heat map has a cell per weekday and hour.
    expect(await page.$$eval('figure[data-chart="weekday_hour"] svg path', (paths) => paths.length)).toBeGreaterThanOrEqual(7 * 24);

    // The requester's markup is text on the page, never an element.
    // Evaluated in the page: written as text so the Node-side compiler needs no DOM types.
    expect(await page.evaluate('document.scripts.length')).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.locator('.jit-findings').innerText()).toContain('<script>window.pwned=1</script>');
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);

    const shot = process.env.JIT_DOCS_SCREENSHOT ? resolve('docs', 'analytics-report.png') : join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });

  it('forbids loading anything through its Content-Security-Policy', () => {
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'/);
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src="http/i);
  });
});
