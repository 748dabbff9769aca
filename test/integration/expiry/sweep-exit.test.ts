import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { requestFixture } from '../../support/request-fixture.js';
import { CLI, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

/**
 * `sweep` (and `sweep_expired_access`) exits non-zero while any removal is failing, whether or not this sweep
 * tried it: one waiting for its next attempt counts too, and the output names it. Before, a sweep that found
 * the failing removal in backoff exited 0.
 */
describe('a sweep while a removal is failing', () => {
  let h: LifecycleHarness;
  const id = 'req_sweep_exit_000001';

  beforeAll(async () => {
    h = await LifecycleHarness.start();
    const store = SqliteRequestStore.open(h.databasePath);
    const past = Date.now() - 600_000;
    await store.create(
      requestFixture({
        id,
        status: 'ending',
        endKind: 'expire',
        decidedBy: PEOPLE.alice.email,
        expiresAt: past,
        createdAt: past - 3_600_000,
        updatedAt: past,
        endAttempts: 3,
        failingSince: past,
        // Backing off: this sweep will not try it.
        nextAttemptAt: Date.now() + 600_000,
        lastError: 'The OPA Enforcer failed DELETE /v1/data/kubiya/jit/grants with HTTP 503.',
        grantedWith: { provider: 'enforcer', settings: {} },
      }),
      [{ requestId: id, type: 'request_created', actor: PEOPLE.dev.email, at: past - 3_600_000, data: {} }],
    );
    await store.close();
  });
  afterAll(async () => h.close());

  it('exits 1 and names the removal, its attempts and its error, though this sweep did not retry it', async () => {
    for (const command of [['sweep'], ['sweep_expired_access']]) {
      const run = await h.run(undefined, command);
      expect(run.code, run.stdout).toBe(1);
      expect(run.json.retrying).toEqual([]);
      expect(run.json.failing).toEqual([expect.objectContaining({ request_id: id, tool_name: 'create_ec2', status: 'ending', attempts: 3, last_error: expect.stringMatching(/503/) })]);
    }
    const human = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'sweep'], { env: h.env(undefined) });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(human.code).toBe(1);
    expect(human.out).toMatch(new RegExp(`${id} \\(create_ec2, ending\\): 3 failed attempt\\(s\\), next in \\d+s: .*503`));
  });

  it('exits 0 once nothing is failing', async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    const row = (await store.get(id))!;
    await store.update(row, { ...row, version: row.version + 1, nextAttemptAt: Date.now() - 1 }, []);
    await store.close();
    const run = await h.run(undefined, ['sweep']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.expired).toEqual([id]);
    expect(run.json.failing).toEqual([]);
  });
});
