/**
 * One deployment for the AWS chaos scenarios: moto behind the fault proxy, the Slack stand-in (a LOCAL
 * STAND-IN speaking Slack's wire protocol, not Slack), a temporary config and SQLite file, and the compiled
 * CLI run as separate processes, as Kubiya's runner runs it. Test instruments only; no product path imports it.
 */
import { CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFaultProxy, type FaultProxy } from '../standins/fault-proxy.js';
import { startMotoServer, type MotoServer } from '../standins/moto-server.js';
import { startSlackWireServer, type SlackWireServer } from '../standins/slack-wire-server.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.js');
export const ACCOUNT = '123456789012';
const PEOPLE = ['dev', 'carol', 'alice', 'bob'].map((name) => ({ id: `U0${name.toUpperCase()}`, email: `${name}@example.com`, name }));

/** What one CLI run printed and returned. */
export interface ChaosRun {
  code: number;
  json: Record<string, unknown>;
  ms: number;
}

/** A running deployment; `reset` gives each scenario a fresh account (users, role, policy) and database. */
export class AwsChaosWorld {
  readonly iam: IAMClient;
  private dir = '';

  private constructor(
    readonly moto: MotoServer,
    readonly proxy: FaultProxy,
    readonly slack: SlackWireServer,
  ) {
    this.iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }

  static async start(): Promise<AwsChaosWorld> {
    const moto = await startMotoServer({ ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const proxy = await startFaultProxy(moto.endpoint);
    const slack = await startSlackWireServer({ channels: ['C0APPROVERS'], users: PEOPLE });
    return new AwsChaosWorld(moto, proxy, slack);
  }

  /** The operator log of the current scenario. */
  get logPath(): string {
    return join(this.dir, 'operator.log');
  }

  /** Fresh AWS state and a fresh database: users dev and carol, role `deploy`, policy `DbReadOnly`. */
  async reset(): Promise<void> {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = mkdtempSync(join(tmpdir(), 'kubiya-jit-chaos-'));
    this.proxy.clearRules();
    await this.moto.reset();
    for (const user of ['dev', 'carol']) await this.iam.send(new CreateUserCommand({ UserName: user }));
    const trust = { Version: '2012-10-17', Statement: [{ Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await this.iam.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }] };
    await this.iam.send(new CreatePolicyCommand({ PolicyName: 'DbReadOnly', PolicyDocument: JSON.stringify(document) }));
    const config = {
      requesters: { allowed_groups: ['engineering'] },
      approvals: { default_approver_groups: ['approvers'] },
      directory: { type: 'config', groups: { engineering: ['dev@example.com', 'carol@example.com'], approvers: ['alice@example.com', 'bob@example.com'] } },
      enforcer: { type: 'none' },
      policies: [{ policy_name: 'DbReadOnly', aws_account_id: ACCOUNT, request_name: 'DB Read Only' }],
      aws: { role_trust: [{ name: 'Deploy', role_name: 'deploy', description: 'Assume the deploy role', session_duration: 'PT1H' }], locks: { lease_ms: 3_000 } },
    };
    writeFileSync(join(this.dir, 'jit.json'), JSON.stringify(config));
  }

  /** Starts `kubiya-jit <args> --output json` as `as` (undefined: an operator command); resolves when it ends. */
  run(as: string | undefined, args: string[]): { done: Promise<ChaosRun>; kill: () => void } {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        JIT_CONFIG: join(this.dir, 'jit.json'),
        JIT_DATABASE: join(this.dir, 'jit.sqlite'),
        JIT_LOG_FILE: this.logPath,
        SLACK_API_TOKEN: this.slack.token,
        SLACK_API_URL: this.slack.apiUrl,
        APPROVERS_CHANNEL: 'C0APPROVERS',
        AWS_ENDPOINT_URL: this.proxy.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        ...(as ? { KUBIYA_USER_EMAIL: as } : {}),
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const done = new Promise<ChaosRun>((resolveRun) => {
      child.on('close', (code) => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(out) as Record<string, unknown>;
        } catch {
          json = { unparsed: out };
        }
        resolveRun({ code: code ?? -1, json, ms: Date.now() - started });
      });
    });
    return { done, kill: () => child.kill('SIGKILL') };
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.slack.close();
    await this.moto.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
