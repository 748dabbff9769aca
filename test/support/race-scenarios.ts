/**
 * Races between separate OS processes, written once and run against each store (SQLite file, PostgreSQL
 * database): approvers deciding at once, several workers and tool runs sweeping the same due grants, a worker
 * killed with SIGKILL mid-sweep, and many processes writing at once. Every process is the real CLI (or the
 * bench's store writer), as Kubiya's runner and the worker Deployment run them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { verifyChain } from '../../scripts/core/audit-chain.js';
import type { RequestStore } from '../../scripts/core/ports.js';
import type { AccessRequest } from '../../scripts/core/types.js';
import type { LifecycleHarness} from './lifecycle-harness.js';
import { CLI, PEOPLE } from './lifecycle-harness.js';
import { requestFixture } from './request-fixture.js';

const WRITER = resolve(import.meta.dirname, '..', '..', 'dist', 'scripts', 'bench', 'store-writer.js');

/** Starts `kubiya-jit worker` in the background for a harness. */
export function startWorker(h: LifecycleHarness, extra: string[] = []): { child: ChildProcess; exited: Promise<number>; output: () => string } {
  const child = spawn(process.execPath, [CLI, 'worker', ...extra, '--output', 'json'], { env: h.env(undefined) });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number>((done) => child.on('close', (code, signal) => done(code ?? (signal ? -1 : 0))));
  return { child, exited, output: () => out };
}

/** Waits until `check` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stores `count` grants that expired a minute ago (warned already), each with its creation event. */
export async function seedDueGrants(store: RequestStore, count: number, prefix: string): Promise<string[]> {
  const past = Date.now() - 60_000;
  const ids = Array.from({ length: count }, (_, i) => `req_${prefix}_${String(i).padStart(5, '0')}`);
  for (const id of ids) {
    await store.create(requestFixture({ id, status: 'access_granted', decidedBy: PEOPLE.alice.email, warned: true, expiresAt: past, createdAt: past - 3_600_000, updatedAt: past }), [
      // audit verify expects every stored request to have been created through the log.
      { requestId: id, type: 'request_created', actor: PEOPLE.dev.email, at: past - 3_600_000, data: {} },
    ]);
  }
  return ids;
}

/** Every id ended once: `access_expired`, one `expiry_started` and one `access_expired` event each. */
export async function expectEndedOnce(store: RequestStore, ids: readonly string[]): Promise<void> {
  const byRequest = new Map<string, string[]>();
  for (const event of await store.auditEvents()) {
    if (event.requestId) byRequest.set(event.requestId, [...(byRequest.get(event.requestId) ?? []), event.type]);
  }
  const stored = new Map((await store.list({ limit: Number.MAX_SAFE_INTEGER })).map((r) => [r.id, r]));
  const wrong: string[] = [];
  for (const id of ids) {
    const types = byRequest.get(id) ?? [];
    const request = stored.get(id);
    if (request?.status !== 'access_expired' || types.filter((t) => t === 'expiry_started').length !== 1 || types.filter((t) => t === 'access_expired').length !== 1) {
      wrong.push(`${id}: ${request?.status} ${types.join(',')}`);
    }
  }
  expect(wrong.slice(0, 5), `${wrong.length} grants not ended exactly once`).toEqual([]);
}

/** The OPA stand-in's removals, by grant id. */
export function deletesById(h: LifecycleHarness): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of h.opa.requests) {
    if (r.method !== 'DELETE') continue;
    const id = decodeURIComponent(r.path.split('/').pop() ?? '');
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** `count` approvers decide one request at once, half approving and half rejecting. */
export async function approversAtOnce(h: LifecycleHarness, approvers: readonly string[]): Promise<void> {
  const id = (await h.request()).json.request_id as string;
  expect(id).toMatch(/^req_/);
  const runs = await Promise.all(approvers.map((email, i) => h.approve(id, email, i % 2 === 0 ? 'approve' : 'reject')));
  const winners = runs.filter((r) => r.code === 0);
  expect(winners, runs.map((r) => r.stdout).join('\n')).toHaveLength(1);
  for (const loser of runs.filter((r) => r.code !== 0)) {
    expect(loser.json.code, loser.stdout).toBe('approval.already_decided');
  }
  const store = h.openStore();
  try {
    const types = (await store.auditEvents({ requestId: id })).map((e) => e.type);
    expect(types.filter((t) => t === 'request_approved' || t === 'request_rejected')).toHaveLength(1);
    const granted = winners[0]!.json.status === 'access_granted';
    expect(types.filter((t) => t === 'access_granted')).toHaveLength(granted ? 1 : 0);
    expect(Boolean(h.grants()[id])).toBe(granted);
    expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: true });
  } finally {
    await store.close();
  }
}

/** `workers` workers and a few sweeps and tool runs, all at once, on `count` due grants. */
export async function workersAndToolRuns(h: LifecycleHarness, count: number, workers: number): Promise<void> {
  const store = h.openStore();
  try {
    const ids = await seedDueGrants(store, count, 'due');
    const running = Array.from({ length: workers }, () => startWorker(h));
    const runs = await Promise.all([
      h.run(undefined, ['sweep']),
      h.run(undefined, ['sweep']),
      h.run(PEOPLE.carol.email, ['list_active_access_requests']),
      h.run(PEOPLE.dev.email, ['view_user_requests']),
      h.run(PEOPLE.alice.email, ['search_access_requests', '--query', 'INC']),
    ]);
    for (const run of runs.slice(0, 2)) expect(run.json.errors, run.stdout).toEqual([]);
    await until(async () => (await store.count({ statuses: ['access_expired'] })) === count, `${count} grants to end`);
    for (const w of running) w.child.kill('SIGTERM');
    for (const w of running) expect(await w.exited, w.output()).toBe(0);
    await expectEndedOnce(store, ids);
    // Claims share the work out: each grant was removed at the Enforcer by exactly one sweeper.
    const deletes = deletesById(h);
    expect(ids.filter((id) => deletes.get(id) !== 1)).toEqual([]);
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
  } finally {
    await store.close();
  }
}

/**
 * A worker killed with SIGKILL in the middle of a sweep (the Enforcer being slow, removals under way under
 * their leases, and claims outstanding) loses nothing: once its claims and its removals' leases lapse
 * (expiry.removal_lease, short here), a second worker ends every grant exactly once. `claimsHeld` counts the
 * claims and removal leases outstanding.
 */
export async function killedWorker(h: LifecycleHarness, count: number, claimsHeld: () => Promise<number>): Promise<void> {
  const store = h.openStore();
  try {
    const ids = await seedDueGrants(store, count, 'kill');
    const first = startWorker(h);
    await until(async () => (await store.count({ statuses: ['access_expired'] })) >= 5, 'the first worker to end a few grants');
    first.child.kill('SIGKILL');
    await first.exited;
    const left = count - (await store.count({ statuses: ['access_expired'] }));
    expect(left, 'the kill must land mid-sweep').toBeGreaterThan(0);
    expect(await claimsHeld(), 'the killed worker held claims or removal leases').toBeGreaterThan(0);
    const second = startWorker(h);
    await until(async () => (await store.count({ statuses: ['access_expired'] })) === count, 'the second worker to finish');
    second.child.kill('SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
    await expectEndedOnce(store, ids);
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
  } finally {
    await store.close();
  }
}

/** `processes` writer processes × `count` requests, three writes each: nothing lost, one linear chain. */
export async function manyWriters(h: LifecycleHarness, kind: 'sqlite' | 'postgres', processes: number, count: number): Promise<void> {
  const target = kind === 'postgres' ? h.databaseUrl! : h.databasePath;
  const outputs = await Promise.all(
    Array.from({ length: processes }, (_, p) =>
      new Promise<string>((done, fail) => {
        const child = spawn(process.execPath, [WRITER, '--store', kind, '--target', target, '--count', String(count), '--prefix', `p${p}`]);
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`writer ${p} exited ${code}: ${out}`))));
      }),
    ),
  );
  for (const out of outputs) expect(JSON.parse(out)).toMatchObject({ created: count, transitions: 2 * count });
  const store = h.openStore();
  try {
    expect(await store.count({})).toBe(processes * count);
    expect(await store.count({ statuses: ['access_granted'] })).toBe(processes * count);
    const events = await store.auditEvents();
    expect(events).toHaveLength(3 * processes * count);
    expect(verifyChain(events)).toMatchObject({ ok: true });
    const perRequest = new Map<string, number>();
    for (const e of events) perRequest.set(e.requestId!, (perRequest.get(e.requestId!) ?? 0) + 1);
    expect([...perRequest.values()].every((n) => n === 3)).toBe(true);
    const sample: AccessRequest | undefined = await store.get(`req_p${processes - 1}_${String(count - 1).padStart(6, '0')}`);
    expect(sample?.version).toBe(3);
  } finally {
    await store.close();
  }
}

/**
 * Several approvers of a request that needs one approval from each of two groups, all approving at the same
 * moment as separate processes: every answer is an approval recorded, the grant, or a clear refusal (the
 * requirement was met meanwhile), the request is granted exactly once with an approval from each group, and
 * the chain stays one line. `tool` names an entry whose approver groups each must approve (`each_group`).
 */
export async function groupsApproveAtOnce(h: LifecycleHarness, tool: string, approvers: readonly string[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const id = (await h.request({ tool_name: tool, tool_params: '{}' })).json.request_id as string;
    expect(id, `round ${round}`).toMatch(/^req_/);
    const runs = await Promise.all(approvers.map((email) => h.approve(id, email)));
    for (const run of runs.filter((r) => r.code !== 0)) {
      expect(['approval.requirement_met', 'approval.already_decided'], run.stdout).toContain(run.json.code);
    }
    expect(runs.filter((r) => r.json.status === 'access_granted'), runs.map((r) => r.stdout).join('\n')).toHaveLength(1);
    const store = h.openStore();
    try {
      const request = await store.get(id);
      expect(request?.status).toBe('access_granted');
      const counted = new Set((request?.approvals ?? []).flatMap((a) => a.counts));
      expect(counted.size, JSON.stringify(request?.approvals)).toBe(2);
      const types = (await store.auditEvents({ requestId: id })).map((e) => e.type);
      expect(types.filter((t) => t === 'request_approved')).toHaveLength(1);
      expect(types.filter((t) => t === 'access_granted')).toHaveLength(1);
      expect(types.filter((t) => t === 'approval_recorded').length + 1).toBe(request?.approvals?.length);
      expect(h.grants()[id]).toBeDefined();
      expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  }
}
