import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteRequestStore } from '../../scripts/adapters/store/sqlite-request-store.js';
import type { AccessRequest } from '../../scripts/core/types.js';
import { startFaultProxy, type FaultProxy } from '../../scripts/standins/fault-proxy.js';
import { createIamUser, createManagedPolicy, jitResources, MOTO_ACCOUNT, motoClients, writeConfigFile, type MotoClients } from './aws-harness.js';
import { CLI, LifecycleHarness, PEOPLE, type CliRun } from './lifecycle-harness.js';
import { startMoto, type Moto } from './moto.js';

/** The managed policy the `request_db_read_only` entry attaches. */
export const POLICY = 'DbReadOnly';
/** The three kinds of grant the expiry tests end: an OPA allow, a managed policy, an S3 per-grant policy. */
export const TOOLS = { opa: 'create_ec2', policy: 'request_db_read_only', s3: 's3_grant_data_lake_read' } as const;

const S3_CONFIGS = {
  'Data Lake Read': { name: 'Data Lake Read', description: 'Read the data lake.', buckets: ['company-data-lake'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT2H' },
};

/** A worker process of the real CLI. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
}

/**
 * A deployment for the expiry tests: the Slack and OPA stand-ins, moto behind the fault proxy (every AWS
 * call of the CLI goes through it), a config with an Enforcer tool, a managed policy and an S3 entry, and
 * the real CLI as separate processes.
 */
export class ExpiryHarness {
  private constructor(
    readonly h: LifecycleHarness,
    readonly moto: Moto,
    readonly proxy: FaultProxy,
    readonly aws: MotoClients,
  ) {}

  static async start(expiry: Record<string, unknown> = {}): Promise<ExpiryHarness> {
    const moto = await startMoto();
    const proxy = await startFaultProxy(moto.endpoint);
    const h = await LifecycleHarness.start((config) => {
      config.policies = [{ policy_name: POLICY, aws_account_id: MOTO_ACCOUNT, request_name: 'DB Read Only', session_duration: 'PT4H' }];
      config.expiry = { warn_before: '1s', alert_after_failures: 3, max_retry_delay: '15m', ...expiry };
    });
    writeConfigFile(h, 's3_configs.json', S3_CONFIGS);
    const aws = motoClients(moto);
    await createIamUser(aws.iam, 'dev');
    await createManagedPolicy(aws.iam, POLICY);
    return new ExpiryHarness(h, moto, proxy, aws);
  }

  /** The environment every CLI run gets: AWS through the fault proxy. */
  awsEnv(): Record<string, string> {
    return { AWS_ENDPOINT_URL: this.proxy.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
  }

  run(as: string | undefined, args: string[]): Promise<CliRun> {
    return this.h.run(as, args, { env: this.awsEnv() });
  }

  /** Requests `tool` as dev and has alice approve it; returns the request id. */
  async grant(tool: string, ttl = '1h'): Promise<string> {
    const asked =
      tool === TOOLS.opa
        ? await this.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', tool, '--tool_params', '{"region": "eu-west-1"}', '--ttl', ttl, '--justification', 'Expiry test grant'])
        : await this.run(PEOPLE.dev.email, [tool, '--ttl', ttl, '--justification', 'Expiry test grant']);
    if (asked.code !== 0) throw new Error(`request ${tool} failed: ${asked.stdout}`);
    const id = asked.json.request_id as string;
    const approved = await this.run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    if (approved.code !== 0) throw new Error(`approve ${tool} failed: ${approved.stdout}`);
    return id;
  }

  /** Makes active grants due now, as if their TTL had run out (moving the stored expiry, not the clock). */
  async expireNow(ids: string[], at = Date.now() - 1): Promise<void> {
    const store = SqliteRequestStore.open(this.h.databasePath);
    for (const id of ids) {
      const row = (await store.get(id))!;
      // The end is chained in the audit trail (the sweep restores a row that disagrees with it), so it moves
      // there too: a second approval record by the same approver, as if the TTL had already run out.
      const moved = { type: 'request_approved', actor: row.decidedBy!, at: Date.now(), requestId: id, data: { ttl_seconds: row.ttlSeconds, expires_at_ms: at, expires_at: new Date(at).toISOString() } };
      if (!(await store.update(row, { ...row, version: row.version + 1, expiresAt: at, warned: true }, [moved]))) throw new Error(`could not expire ${id}`);
    }
    await store.close();
  }

  /** The stored request. */
  async request(id: string): Promise<AccessRequest> {
    const store = SqliteRequestStore.open(this.h.databasePath);
    try {
      return (await store.get(id))!;
    } finally {
      await store.close();
    }
  }

  /** Whether the grant is still there at its target: the OPA allow, the attached policy, or the S3 policy. */
  async stillGranted(tool: string, id: string): Promise<boolean> {
    if (tool === TOOLS.opa) return this.h.grants()[id] !== undefined;
    if (tool === TOOLS.s3) return (await jitResources(this.aws.iam)).some((r) => r.includes(id));
    const { attachedPolicies } = await import('./aws-harness.js');
    return (await attachedPolicies(this.aws.iam, 'dev')).some((arn) => arn.endsWith(`:policy/${POLICY}`));
  }

  /** Starts `kubiya-jit worker` as its own process. */
  startWorker(extraEnv: Record<string, string> = {}): WorkerProcess {
    const child = spawn(process.execPath, [CLI, 'worker', '--output', 'json'], { env: { ...this.h.env(undefined, { ...this.awsEnv(), ...extraEnv }) } });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    return { child, output: () => out, exited };
  }

  /** The operator log's lines. */
  operatorLog(): string {
    try {
      return readFileSync(join(this.h.dir, 'operator.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    await this.proxy.stop();
    await this.h.close();
    await this.moto.stop();
  }
}

/** Polls `check` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
