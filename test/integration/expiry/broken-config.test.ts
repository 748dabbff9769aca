import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpiryHarness, TOOLS, waitFor } from '../../support/expiry-harness.js';

const channelAlerts = (x: ExpiryHarness, word: string) =>
  x.h.messagesIn().filter((m) => `${m.text ?? ''}${JSON.stringify(m.blocks ?? [])}`.includes('kubiya-jit needs attention') && JSON.stringify(m.blocks ?? []).includes(word));

/**
 * A config that breaks must never stop expiry: grants of every provider keep ending, each removed with what it
 * recorded at approval; the error is reported loudly (operator log, an alert to the approvers' channel, a
 * non-zero sweep); the worker keeps running. Before, one invalid companion file stopped all expiry.
 */
describe('expiry with a broken config', () => {
  let x: ExpiryHarness;
  let goodConfig: string;
  let goodS3: string;

  beforeAll(async () => {
    x = await ExpiryHarness.start();
    goodConfig = readFileSync(x.h.configPath, 'utf8');
    goodS3 = readFileSync(join(x.h.dir, 's3_configs.json'), 'utf8');
  }, 180_000);
  afterAll(async () => x?.close(), 120_000);

  const allTools = [TOOLS.opa, TOOLS.policy, TOOLS.s3];

  it('a broken AWS companion file: every provider’s due grants end, the sweep exits 1 naming the file, the approvers are alerted once', async () => {
    const ids: string[] = [];
    for (const tool of allTools) ids.push(await x.grant(tool));
    for (const [i, tool] of allTools.entries()) expect(await x.stillGranted(tool, ids[i]!), tool).toBe(true);
    writeFileSync(join(x.h.dir, 's3_configs.json'), '{"Data Lake Read": ');
    await x.expireNow(ids);

    const sweep = await x.run(undefined, ['sweep']);
    expect(sweep.code, sweep.stdout).toBe(1);
    expect(sweep.json.code).toBe('config.invalid');
    expect(sweep.json.message).toContain(`${x.h.dir}/s3_configs.json`);
    expect(sweep.json.expired).toEqual(expect.arrayContaining(ids));
    expect(sweep.json.failing).toEqual([]);
    for (const [i, tool] of allTools.entries()) expect(await x.stillGranted(tool, ids[i]!), tool).toBe(false);
    expect(channelAlerts(x, 's3_configs.json')).toHaveLength(1);
    expect(x.operatorLog()).toContain('config error during expiry');

    // Said once a day, not on every sweep.
    const again = await x.run(undefined, ['sweep']);
    expect(again.code).toBe(1);
    expect(channelAlerts(x, 's3_configs.json')).toHaveLength(1);
    writeFileSync(join(x.h.dir, 's3_configs.json'), goodS3);
  }, 240_000);

  it('a jit config that cannot be read: the worker keeps running and ends every grant recorded before, with their recorded settings', async () => {
    const ids: string[] = [];
    for (const tool of allTools) ids.push(await x.grant(tool));
    writeFileSync(x.h.configPath, '{"requesters": ');
    await x.expireNow(ids);
    const worker = x.startWorker();
    try {
      await waitFor(async () => {
        for (const [i, tool] of allTools.entries()) if (await x.stillGranted(tool, ids[i]!)) return false;
        return true;
      }, 'every grant to be removed', 120_000);
      for (const id of ids) await waitFor(async () => (await x.request(id)).status === 'access_expired', `${id} to be expired`, 30_000);
      expect(worker.child.exitCode, worker.output()).toBeNull();
      await waitFor(() => channelAlerts(x, 'jit.json').length === 1, 'the config alert', 60_000);

      const sweep = await x.run(undefined, ['sweep']);
      expect(sweep.code, sweep.stdout).toBe(1);
      expect(sweep.json.code).toBe('config.invalid');
      expect(sweep.json.message).toContain(x.h.configPath);

      writeFileSync(x.h.configPath, goodConfig);
      await waitFor(() => x.operatorLog().includes('config is sound again'), 'the worker to pick up the fixed config', 60_000);
      expect((await x.run(undefined, ['sweep'])).code).toBe(0);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  }, 300_000);
});
