import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('the worker', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('warns before expiry and ends the grant at its expiry without being asked', async () => {
    const id = (await h.request({ ttl: '3s' })).json.request_id as string;
    const worker = spawn(process.execPath, [CLI, 'worker', '--max-runtime', '6s', '--output', 'json'], { env: h.env(undefined) });
    let out = '';
    worker.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect((await h.approve(id, PEOPLE.alice.email)).code).toBe(0);
    expect(h.grants()[id]).toBeDefined();
    const code = await new Promise<number>((resolve) => worker.on('close', (c) => resolve(c ?? -1)));
    expect(code, out).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ended: 1 });
    expect(h.grants()[id]).toBeUndefined();
    const dms = h.directMessages().map((m) => `${m.text ?? ''}${JSON.stringify(m.blocks ?? [])}`);
    expect(dms.some((t) => /expires|expiring/i.test(t))).toBe(true);
    expect(dms.some((t) => /expired|ended/i.test(t))).toBe(true);
    const described = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('access_expired');
  });

  it('any tool run first ends grants whose time has come (bounded opportunistic sweep)', async () => {
    const id = (await h.request({ ttl: '1s' })).json.request_id as string;
    await h.approve(id, PEOPLE.alice.email);
    await new Promise((r) => setTimeout(r, 1200));
    expect(h.grants()[id]).toBeDefined();
    await h.run(PEOPLE.carol.email, ['list_active_access_requests']);
    expect(h.grants()[id]).toBeUndefined();
  });
});
