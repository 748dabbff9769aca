import { spawn } from 'node:child_process';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
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

  it('wakes for a provider follow-up when it falls due, with nothing else to do', async () => {
    // A follow-up of a provider this config lacks: it fails and is moved 30 s on, which shows it ran once.
    const dueAt = Date.now() + 1_500;
    const store = SqliteRequestStore.open(h.databasePath);
    await store.scheduleFollowUp({ key: 'wake-test', provider: 'no-such-provider', dueAt, data: {}, attempts: 0 });
    await store.close();
    const worker = spawn(process.execPath, [CLI, 'worker', '--max-runtime', '4s', '--output', 'json'], { env: h.env(undefined) });
    expect(await new Promise<number>((resolve) => worker.on('close', (c) => resolve(c ?? -1)))).toBe(0);
    const reopened = SqliteRequestStore.open(h.databasePath);
    const [followUp] = await reopened.listFollowUps();
    await reopened.completeFollowUp('wake-test');
    await reopened.close();
    expect(followUp).toMatchObject({ key: 'wake-test', attempts: 1 });
    expect(followUp!.dueAt).toBeGreaterThanOrEqual(dueAt + 30_000);
  });
});
