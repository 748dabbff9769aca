import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import type { AccessProvider } from '../../../scripts/core/ports.js';
import type { Json } from '../../../scripts/core/types.js';
import type { JitDeps } from '../../../scripts/core/use-cases/deps.js';
import { nextFollowUpAt, runDueFollowUps } from '../../../scripts/core/use-cases/follow-ups.js';

describe('runDueFollowUps (the sweep runs it after its removals)', () => {
  let dir: string;
  let store: SqliteRequestStore;
  const seen: Record<string, Json>[] = [];
  let answer: (data: Record<string, Json>) => Promise<number | undefined>;
  const provider: AccessProvider = {
    name: 'aws-role-trust',
    grant: async () => undefined,
    revoke: async () => undefined,
    followUp: async (data) => {
      seen.push(data);
      return answer(data);
    },
  };
  const deps = () =>
    ({
      store,
      providers: { get: async (name: string) => (name === provider.name ? provider : Promise.reject(new Error(`no provider ${name}`))) },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      clock: { now: () => 1_000 },
      owner: 'this-worker',
    }) as unknown as JitDeps;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jit-followups-'));
    store = SqliteRequestStore.open(join(dir, 'jit.sqlite'));
    seen.length = 0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs only what is due, completes what is done and moves what the provider says is for later', async () => {
    await store.scheduleFollowUp({ key: 'a', provider: 'aws-role-trust', dueAt: 100, data: { role_name: 'a' }, attempts: 0 });
    await store.scheduleFollowUp({ key: 'b', provider: 'aws-role-trust', dueAt: 200, data: { role_name: 'b' }, attempts: 0 });
    await store.scheduleFollowUp({ key: 'later', provider: 'aws-role-trust', dueAt: 9_999, data: { role_name: 'later' }, attempts: 0 });
    answer = async (data) => (data.role_name === 'b' ? 5_000 : undefined);
    expect(await runDueFollowUps(deps(), 1_000)).toEqual({ done: ['a', 'b'], failed: [] });
    expect(seen.map((d) => d.role_name)).toEqual(['a', 'b']);
    expect((await store.listFollowUps()).map((f) => [f.key, f.dueAt])).toEqual([
      ['b', 5_000],
      ['later', 9_999],
    ]);
  });

  it('keeps a failing follow-up with growing backoff, never drops it, and never throws', async () => {
    await store.scheduleFollowUp({ key: 'x', provider: 'aws-role-trust', dueAt: 0, data: {}, attempts: 0 });
    await store.scheduleFollowUp({ key: 'gone', provider: 'no-such-provider', dueAt: 0, data: {}, attempts: 0 });
    answer = async () => {
      throw new Error('AWS is down');
    };
    expect(await runDueFollowUps(deps(), 1_000)).toEqual({ done: [], failed: ['gone', 'x'] });
    expect((await store.listFollowUps()).map((f) => [f.key, f.attempts, f.dueAt])).toEqual([
      ['gone', 1, 31_000],
      ['x', 1, 31_000],
    ]);
    await runDueFollowUps(deps(), 40_000);
    expect((await store.listFollowUps()).find((f) => f.key === 'x')).toMatchObject({ attempts: 2, dueAt: 100_000 });
  });

  it('runs a follow-up once when two workers (two connections to one file) run at once, each taking its own', async () => {
    const other = SqliteRequestStore.open(join(dir, 'jit.sqlite'));
    try {
      for (const key of ['r1', 'r2', 'r3', 'r4']) await store.scheduleFollowUp({ key, provider: 'aws-role-trust', dueAt: 100, data: { role_name: key }, attempts: 0 });
      // Slow enough that both runs are inside a follow-up at the same time.
      answer = async () => new Promise((done) => setTimeout(() => done(undefined), 30));
      const [a, b] = await Promise.all([runDueFollowUps(deps(), 1_000), runDueFollowUps({ ...deps(), store: other, owner: 'other-worker' } as JitDeps, 1_000)]);
      expect([...a.done, ...b.done].sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
      expect(a.done.length).toBeGreaterThan(0);
      expect(b.done.length).toBeGreaterThan(0);
      expect(seen.map((d) => d.role_name).sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
      expect(await store.listFollowUps()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('leaves alone a follow-up another process holds, until its claim runs out', async () => {
    await store.scheduleFollowUp({ key: 'held', provider: 'aws-role-trust', dueAt: 100, data: {}, attempts: 0 });
    expect(await store.claimFollowUps(500, 'someone-else', 60_000, 5)).toHaveLength(1);
    answer = async () => undefined;
    expect(await runDueFollowUps(deps(), 1_000)).toEqual({ done: [], failed: [] });
    expect(seen).toEqual([]);
    // The worker sleeps until the claim ends rather than waking for a follow-up it cannot take.
    expect(await nextFollowUpAt(deps())).toBe(60_000);
    expect(await runDueFollowUps(deps(), 60_000)).toEqual({ done: ['held'], failed: [] });
  });

  it('keeps a schedule written while the follow-up ran (a new session deny), rather than its own outcome', async () => {
    await store.scheduleFollowUp({ key: 'deny:deploy', provider: 'aws-role-trust', dueAt: 100, data: {}, attempts: 0 });
    answer = async () => {
      // A revocation of the same role, meanwhile, schedules the removal of its new deny.
      await store.scheduleFollowUp({ key: 'deny:deploy', provider: 'aws-role-trust', dueAt: 77_000, data: { fresh: true }, attempts: 0 });
      return undefined;
    };
    expect(await runDueFollowUps(deps(), 1_000)).toEqual({ done: ['deny:deploy'], failed: [] });
    expect(await store.listFollowUps()).toEqual([{ key: 'deny:deploy', provider: 'aws-role-trust', dueAt: 77_000, data: { fresh: true }, attempts: 0 }]);
  });

  it('names the earliest follow-up, due or not, so the worker sleeps until then; undefined when none is scheduled', async () => {
    expect(await nextFollowUpAt(deps())).toBeUndefined();
    await store.scheduleFollowUp({ key: 'late', provider: 'aws-role-trust', dueAt: 9_000, data: {}, attempts: 0 });
    await store.scheduleFollowUp({ key: 'soon', provider: 'aws-role-trust', dueAt: 3_000, data: {}, attempts: 0 });
    expect(await nextFollowUpAt(deps())).toBe(3_000);
    answer = async () => undefined;
    await runDueFollowUps(deps(), 5_000);
    expect(await nextFollowUpAt(deps())).toBe(9_000);
  });
});
