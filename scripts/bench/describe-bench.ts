/**
 * Measures the process wall time of `kubiya-jit describe_access_request` against a database of 10,000
 * requests, beside bare `node -e 0` in the same run, alternating the two so both see the same machine state.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { AccessRequest } from '../core/types.js';

const REQUESTS = 10_000;
const RUNS = 25;
const CLI = resolve(import.meta.dirname, '..', 'cli.js');

/** Timings in milliseconds: medians and 90th percentiles of both commands, and the ratio of the medians. */
export interface DescribeBench {
  requests: number;
  runs: number;
  bareMedianMs: number;
  bareP90Ms: number;
  describeMedianMs: number;
  describeP90Ms: number;
  ratio: number;
}

/** Builds the database, then times both commands `RUNS` times each after one warm-up. */
export async function benchDescribe(): Promise<DescribeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
  try {
    const config = join(dir, 'jit.json');
    writeFileSync(config, JSON.stringify({ directory: { type: 'config', groups: { approvers: ['alice@example.com'] } }, enforcer: { type: 'none' }, tools: [{ name: 'create_ec2', description: 'Create an EC2 instance' }] }));
    const database = join(dir, 'jit.sqlite');
    const target = await fillDatabase(database);
    const env = { ...process.env, JIT_CONFIG: config, JIT_DATABASE: database, JIT_LOG_FILE: join(dir, 'log'), KUBIYA_USER_EMAIL: target.requester };
    const describe = () => spawnSync(process.execPath, [CLI, 'describe_access_request', '--request_id', target.id], { env, encoding: 'utf8' });
    const bare = () => spawnSync(process.execPath, ['-e', '0'], { env });
    const check = describe();
    if (check.status !== 0 || !check.stdout.includes(target.id)) throw new Error(`describe failed: ${check.stdout}${check.stderr}`);
    bare();
    const bareTimes: number[] = [];
    const describeTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      bareTimes.push(time(bare));
      describeTimes.push(time(describe));
    }
    const bareMedianMs = percentile(bareTimes, 0.5);
    const describeMedianMs = percentile(describeTimes, 0.5);
    return {
      requests: REQUESTS,
      runs: RUNS,
      bareMedianMs,
      bareP90Ms: percentile(bareTimes, 0.9),
      describeMedianMs,
      describeP90Ms: percentile(describeTimes, 0.9),
      ratio: describeMedianMs / bareMedianMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function fillDatabase(path: string): Promise<AccessRequest> {
  const store = SqliteRequestStore.open(path);
  const statuses = ['access_expired', 'access_denied', 'revoked', 'approval_pending', 'access_granted'] as const;
  // A steady state, as a worker keeps it: history over the past week, pending requests only from the last
  // hour, active grants not yet due. Nothing is due, so the timed runs measure describe, not a sweep.
  const now = Date.now();
  const start = now - REQUESTS * 60_000;
  let middle: AccessRequest | undefined;
  for (let i = 0; i < REQUESTS; i += 1) {
    const status = statuses[i % statuses.length]!;
    const request: AccessRequest = {
      id: `req_${i.toString(16).padStart(16, '0')}`,
      status,
      version: 1,
      toolName: 'create_ec2',
      toolParams: { region: i % 2 ? 'eu-west-1' : 'us-east-1' },
      requester: `user${i % 500}@example.com`,
      requestedBy: `user${i % 500}@example.com`,
      justification: `Ticket OPS-${i}: reproduce a customer issue`,
      ttlSeconds: 3600,
      approverGroups: ['approvers'],
      approvers: ['alice@example.com'],
      routing: { source: 'mapping', groups: ['approvers'], explanation: 'create_ec2 is mapped to approvers in the config' },
      preview: { provider: 'enforcer', summary: ['Enforcer allows create_ec2'], documents: {} },
      createdAt: status === 'approval_pending' ? now - (i % 60) * 60_000 : start + i * 60_000,
      updatedAt: status === 'approval_pending' ? now - (i % 60) * 60_000 : start + i * 60_000,
      // Far-future expiry keeps the bench's database free of due work, so no run sweeps.
      ...(status === 'access_granted' ? { expiresAt: now + 86_400_000 * 30 } : {}),
      endAttempts: 0,
      warned: status === 'access_granted',
      alerted: false,
    };
    await store.create(request, [{ requestId: request.id, type: 'request_created', actor: request.requester, at: request.createdAt, data: {} }]);
    if (i === REQUESTS / 2) middle = request;
  }
  await store.close();
  return middle!;
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
