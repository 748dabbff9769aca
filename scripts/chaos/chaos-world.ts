/**
 * One deployment on this machine for a chaos scenario: moto (the independent AWS emulator) behind the fault
 * proxy, the Slack and OPA stand-ins, a config with an Enforcer tool, an existing managed policy and an S3
 * entry, a SQLite file, and the real CLI as separate processes, the way a runner and a worker would run it.
 * Every part is a local stand-in or emulator; nothing reaches a vendor.
 */
import { CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { AccessRequest } from '../core/types.js';
import { startFaultProxy, type FaultProxy } from '../standins/fault-proxy.js';
import { startMotoServer, type MotoServer } from '../standins/moto-server.js';
import { startOpaWireServer, type OpaWireServer } from '../standins/opa-wire-server.js';
import { startSlackWireServer, type SlackWireServer } from '../standins/slack-wire-server.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.js');
const ACCOUNT = '123456789012';
const DEV = 'dev@example.com';
const APPROVER = 'alice@example.com';
const CHANNEL = 'C0APPROVERS';

/** The kinds of grant a scenario can make: an Enforcer allow, an attached managed policy, an S3 per-grant policy. */
export type GrantKind = 'opa' | 'policy' | 's3';

const REQUEST_ARGS: Record<GrantKind, string[]> = {
  opa: ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}'],
  policy: ['request_db_read_only'],
  s3: ['s3_grant_data_lake_read'],
};

/** A worker process of the real CLI. */
export interface ChaosWorker {
  child: ChildProcess;
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

/** A running world; {@link ChaosWorld.close} stops every part of it. */
export class ChaosWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'jit-chaos-'));
  readonly configPath = join(this.dir, 'jit.json');
  readonly databasePath = join(this.dir, 'jit.sqlite');
  private readonly workers: ChaosWorker[] = [];

  private constructor(
    readonly moto: MotoServer,
    readonly proxy: FaultProxy,
    readonly slack: SlackWireServer,
    readonly opa: OpaWireServer,
  ) {}

  /** Starts everything; `expiry` overrides the config's expiry section. */
  static async start(expiry: Record<string, unknown> = {}): Promise<ChaosWorld> {
    const moto = await startMotoServer({ ...process.env, AWS_ACCESS_KEY_ID: 'chaos', AWS_SECRET_ACCESS_KEY: 'chaos' });
    const world = new ChaosWorld(
      moto,
      await startFaultProxy(moto.endpoint),
      await startSlackWireServer({ channels: [CHANNEL], users: [{ id: 'U0DEV', email: DEV, name: 'dev' }, { id: 'U0ALICE', email: APPROVER, name: 'alice' }] }),
      await startOpaWireServer(),
    );
    world.writeConfig(expiry);
    writeFileSync(
      join(world.dir, 's3_configs.json'),
      JSON.stringify({ 'Data Lake Read': { name: 'Data Lake Read', description: 'Read the lake.', buckets: ['company-data-lake'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT2H' } }),
    );
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' } });
    await iam.send(new CreateUserCommand({ UserName: 'dev' }));
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }] };
    await iam.send(new CreatePolicyCommand({ PolicyName: 'DbReadOnly', PolicyDocument: JSON.stringify(document) }));
    return world;
  }

  /** Writes the config file (and so can break it: pass `raw` text). */
  writeConfig(expiry: Record<string, unknown> = {}, raw?: string): void {
    const config = {
      requesters: { allowed_groups: ['engineering'] },
      approvals: { default_approver_groups: ['approvers'] },
      directory: { type: 'config', groups: { engineering: [DEV], approvers: [APPROVER] } },
      enforcer: { type: 'opa', url: this.opa.url },
      expiry: { warn_before: '1s', ...expiry },
      tools: [{ name: 'create_ec2', description: 'Create an EC2 instance', parameters: { type: 'object', properties: { region: { type: 'string' } } } }],
      policies: [{ policy_name: 'DbReadOnly', aws_account_id: ACCOUNT, request_name: 'DB Read Only', session_duration: 'PT4H' }],
    };
    writeFileSync(this.configPath, raw ?? JSON.stringify(config, null, 2));
  }

  /** The environment of every CLI run: the stand-ins, and AWS through the fault proxy. */
  env(as?: string): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      JIT_CONFIG: this.configPath,
      JIT_DATABASE: this.databasePath,
      JIT_LOG_FILE: join(this.dir, 'operator.log'),
      SLACK_API_TOKEN: this.slack.token,
      SLACK_API_URL: this.slack.apiUrl,
      APPROVERS_CHANNEL: CHANNEL,
      AWS_ENDPOINT_URL: this.proxy.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'chaos',
      AWS_SECRET_ACCESS_KEY: 'chaos',
      ...(as ? { KUBIYA_USER_EMAIL: as } : {}),
    };
  }

  /** Runs `kubiya-jit <args> --output json` as `as`. */
  run(as: string | undefined, args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [CLI, ...args, '--output', 'json'], { env: this.env(as) });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(out) as Record<string, unknown>;
        } catch {
          json = { unparsed: out };
        }
        done({ code: code ?? -1, json });
      });
    });
  }

  /** Requests and approves a grant of `kind` with a TTL of an hour; returns its request id. */
  async grant(kind: GrantKind): Promise<string> {
    const asked = await this.run(DEV, [...REQUEST_ARGS[kind], '--ttl', '1h', '--justification', 'Chaos scenario grant']);
    if (asked.code !== 0) throw new Error(`requesting ${kind} failed: ${JSON.stringify(asked.json)}`);
    const id = asked.json.request_id as string;
    const approved = await this.run(APPROVER, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    if (approved.code !== 0) throw new Error(`approving ${kind} failed: ${JSON.stringify(approved.json)}`);
    return id;
  }

  /** Moves the grants' stored expiry to `at` (all due together), as if their TTLs ran out then. */
  async expireAt(ids: string[], at: number): Promise<void> {
    await this.withStore(async (store) => {
      for (const id of ids) {
        const row = (await store.get(id))!;
        if (!(await store.update(row, { ...row, version: row.version + 1, expiresAt: at, warned: true }, []))) throw new Error(`could not move the expiry of ${id}`);
      }
    });
  }

  /** The stored requests. */
  requests(ids: string[]): Promise<AccessRequest[]> {
    return this.withStore(async (store) => Promise.all(ids.map(async (id) => (await store.get(id))!)));
  }

  /** Waits until every request is over, and returns when each ended (`endedAt`, the removal confirmed). */
  async waitEnded(ids: string[], timeoutMs: number): Promise<AccessRequest[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.requests(ids);
      if (rows.every((r) => r.status === 'access_expired' || r.status === 'revoked')) return rows;
      if (Date.now() > end) throw new Error(`not ended after ${timeoutMs} ms: ${rows.filter((r) => r.endedAt === undefined).map((r) => `${r.id} (${r.status})`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Starts `kubiya-jit worker`. */
  startWorker(): ChaosWorker {
    const child = spawn(process.execPath, [CLI, 'worker'], { env: this.env(), stdio: 'ignore' });
    const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
    const worker: ChaosWorker = {
      child,
      exited,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
    this.workers.push(worker);
    return worker;
  }

  /**
   * Ends one grant of each kind with `worker` running, unmeasured: a worker's first removals load the AWS SDK
   * and open connections, which would otherwise count against whichever round of a scenario comes first.
   */
  async warmUp(): Promise<void> {
    const ids = [await this.grant('opa'), await this.grant('policy'), await this.grant('s3')];
    await this.expireAt(ids, Date.now());
    await this.waitEnded(ids, 120_000);
  }

  /** Stops the workers and every server, and removes the files. */
  async close(): Promise<void> {
    for (const worker of this.workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
    this.slack.recover();
    await Promise.all([this.proxy.stop(), this.slack.close(), this.opa.close()]);
    await this.moto.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async withStore<T>(use: (store: SqliteRequestStore) => Promise<T>): Promise<T> {
    const store = SqliteRequestStore.open(this.databasePath);
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }
}

/** Sleeps `ms`. */
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
