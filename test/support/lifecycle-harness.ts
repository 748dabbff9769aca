import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PostgresRequestStore } from '../../scripts/adapters/store/postgres-request-store.js';
import { postgresSettings } from '../../scripts/adapters/store/postgres-settings.js';
import { SqliteRequestStore } from '../../scripts/adapters/store/sqlite-request-store.js';
import type { RequestStore } from '../../scripts/core/ports.js';
import { startOpaWireServer, type OpaWireServer } from '../../scripts/standins/opa-wire-server.js';
import { startSlackWireServer, type SlackWireServer } from '../../scripts/standins/slack-wire-server.js';

/** The compiled CLI, as the tool's image runs it (`npm test` builds first). */
export const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'scripts', 'cli.js');

export const PEOPLE = {
  dev: { id: 'U0DEV', email: 'dev@example.com', name: 'dev' },
  alice: { id: 'U0ALICE', email: 'alice@example.com', name: 'alice' },
  bob: { id: 'U0BOB', email: 'bob@example.com', name: 'bob' },
  carol: { id: 'U0CAROL', email: 'carol@example.com', name: 'carol' },
  mallory: { id: 'U0MAL', email: 'mallory@example.com', name: 'mallory' },
} as const;

export const APPROVERS_CHANNEL = 'C0APPROVERS';

/** The config every lifecycle test starts from: approvers and requesters from the config's own lists. */
export function baseConfig(opaUrl: string): Record<string, unknown> {
  return {
    requesters: { allowed_groups: ['engineering'] },
    approvals: { default_approver_groups: ['platform-approvers'], timeout: '1h' },
    directory: {
      type: 'config',
      groups: {
        engineering: ['dev@example.com', 'carol@example.com', 'alice@example.com', { email: 'sus@example.com', status: 'SUSPENDED' }],
        'platform-approvers': ['alice@example.com', 'bob@example.com', 'dev@example.com', { email: 'gone@example.com', status: 'DEPROVISIONED' }],
      },
    },
    enforcer: { type: 'opa', url: opaUrl },
    expiry: { warn_before: '1s', alert_after_failures: 2, max_retry_delay: '1s' },
    defaults: { max_ttl: '8h', default_ttl: '1h' },
    tools: [
      {
        name: 'create_ec2',
        description: 'Create an EC2 instance',
        max_ttl: '4h',
        parameters: {
          type: 'object',
          additionalProperties: false,
          required: ['region'],
          properties: { region: { type: 'string', enum: ['eu-west-1', 'us-east-1'] } },
        },
      },
    ],
  };
}

/** The result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

/**
 * A whole deployment on one machine for a test: the Slack and OPA stand-ins, a config file, a SQLite file, and
 * the real CLI run as separate processes, the way Kubiya's runner would.
 */
export class LifecycleHarness {
  readonly dir: string;
  readonly configPath: string;
  readonly databasePath: string;

  private constructor(
    readonly slack: SlackWireServer,
    readonly opa: OpaWireServer,
    /** With the PostgreSQL store: its connection string (JIT_DATABASE_URL of every run). */
    readonly databaseUrl?: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'jit-life-'));
    this.configPath = join(this.dir, 'jit.json');
    this.databasePath = join(this.dir, 'jit.sqlite');
  }

  /** Starts the stand-ins; with `databaseUrl`, every run uses the PostgreSQL store there (`store.type: postgres`). */
  static async start(configure: (config: Record<string, unknown>) => void = () => undefined, options: { databaseUrl?: string; opaDeleteDelayMs?: number } = {}): Promise<LifecycleHarness> {
    const slack = await startSlackWireServer({ channels: [APPROVERS_CHANNEL], users: Object.values(PEOPLE) });
    const opa = await startOpaWireServer(options.opaDeleteDelayMs ? { deleteDelayMs: options.opaDeleteDelayMs } : {});
    const harness = new LifecycleHarness(slack, opa, options.databaseUrl);
    const config = baseConfig(opa.url);
    if (options.databaseUrl) config.store = { type: 'postgres' };
    configure(config);
    harness.writeConfig(config);
    return harness;
  }

  writeConfig(config: Record<string, unknown>): void {
    writeFileSync(this.configPath, JSON.stringify(config, null, 2));
  }

  env(as: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      JIT_CONFIG: this.configPath,
      JIT_DATABASE: this.databasePath,
      JIT_LOG_FILE: join(this.dir, 'operator.log'),
      SLACK_API_TOKEN: this.slack.token,
      SLACK_API_URL: this.slack.apiUrl,
      APPROVERS_CHANNEL,
      KUBIYA_AGENT_UUID: '6f1c2d3e-0000-4000-8000-00000000a9e1',
      ...(this.databaseUrl ? { JIT_DATABASE_URL: this.databaseUrl } : {}),
      ...(as ? { KUBIYA_USER_EMAIL: as } : {}),
      ...extra,
    };
  }

  /** Runs `kubiya-jit <args>` as `as` for a person's eyes (no `--output json`). */
  runText(as: string | undefined, args: string[], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
    return this.run(as, args, { ...options, human: true });
  }

  /** The store the runs use (SQLite file or PostgreSQL database), opened for the test to seed or inspect. */
  openStore(): RequestStore {
    return this.databaseUrl ? new PostgresRequestStore(postgresSettings(this.databaseUrl, { type: 'postgres' })) : SqliteRequestStore.open(this.databasePath);
  }

  /** Runs `kubiya-jit <args> --output json` as `as`, optionally feeding stdin. */
  run(as: string | undefined, args: string[], options: { stdin?: string; env?: Record<string, string>; human?: boolean } = {}): Promise<CliRun> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [CLI, ...args, ...(options.human ? [] : ['--output', 'json'])], { env: this.env(as, options.env) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(stdout) as Record<string, unknown>;
        } catch {
          json = { unparsed: stdout };
        }
        resolvePromise({ code: code ?? -1, stdout, stderr, json });
      });
      child.stdin.end(options.stdin ?? '');
    });
  }

  /** A request for create_ec2 in eu-west-1 by dev, as the teammate would send it. */
  request(overrides: Record<string, string> = {}, as: string = PEOPLE.dev.email): Promise<CliRun> {
    const args = { tool_name: 'create_ec2', tool_params: '{"region": "eu-west-1"}', ttl: '1h', justification: 'Reproduce INC-42 in eu-west-1', ...overrides };
    return this.run(as, ['request_tool_access', ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, v])]);
  }

  approve(requestId: string, as: string, action = 'approve', ttl?: string): Promise<CliRun> {
    return this.run(as, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', action, ...(ttl ? ['--ttl', ttl] : [])]);
  }

  /** The Enforcer grants the OPA stand-in holds, by grant id. */
  grants(): Record<string, Record<string, unknown>> {
    const kubiya = (this.opa.data.kubiya ?? {}) as Record<string, Record<string, unknown>>;
    return ((kubiya.jit ?? {}) as Record<string, Record<string, Record<string, unknown>>>).grants ?? {};
  }

  /** Messages posted to a channel (the approvers' channel by default). */
  messagesIn(channel = APPROVERS_CHANNEL) {
    return this.slack.messages.filter((m) => m.channel === channel);
  }

  /** Direct messages, i.e. posts to `D…` channels. */
  directMessages() {
    return this.slack.messages.filter((m) => m.channel.startsWith('D'));
  }

  async close(): Promise<void> {
    await Promise.all([this.slack.close(), this.opa.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
