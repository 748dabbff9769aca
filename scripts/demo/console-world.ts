/**
 * A whole console deployment on one machine, for the console's tests and `npm run screenshots`: the Slack,
 * OPA, OpenID Connect and GitHub OAuth stand-ins (labelled; none is the vendor), a config and a SQLite file,
 * and `kubiya-jit serve` run as its own process from the compiled CLI, as an operator would run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { startGithubOauthServer, type GithubOauthServer } from '../standins/github-oauth-server.js';
import { startOidcServer, type OidcServer } from '../standins/oidc-wire-server.js';
import { startOpaWireServer, type OpaWireServer } from '../standins/opa-wire-server.js';
import { startSlackWireServer, type SlackWireServer } from '../standins/slack-wire-server.js';

/** The compiled CLI, whether this file runs compiled (screenshots) or from source (tests, after a build). */
const CLI = resolve(PACKAGE_ROOT, 'dist', 'scripts', 'cli.js');
const CHANNEL = 'C0APPROVERS';
/** The Entra tenant the world's console trusts; the Microsoft stand-in also signs in people of another. */
export const MICROSOFT_TENANT = 'tenant-1';

/** The people of the world: dev asks, alice and bob approve, erin audits, sus is suspended, outsider is unknown. */
export const CONSOLE_PEOPLE = {
  dev: 'dev@example.com',
  alice: 'alice@example.com',
  bob: 'bob@example.com',
  erin: 'erin@example.com',
  sus: 'sus@example.com',
  unverified: 'unverified@example.com',
  outsider: 'outsider@example.com',
} as const;

/** The config the world starts from: config-list directory, OPA enforcer, one tool with a parameter schema. */
export function consoleConfig(opaUrl: string, oidcIssuer: string, githubUrl: string, microsoftIssuer: string): Record<string, unknown> {
  return {
    requesters: { allowed_groups: ['engineering'] },
    approvals: { default_approver_groups: ['platform-approvers'], timeout: '1h' },
    directory: {
      type: 'config',
      groups: {
        engineering: ['dev@example.com', 'alice@example.com', 'unverified@example.com', { email: 'sus@example.com', status: 'SUSPENDED' }],
        'platform-approvers': ['alice@example.com', 'bob@example.com'],
        auditors: ['erin@example.com'],
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
          properties: { region: { type: 'string', enum: ['eu-west-1', 'us-east-1'], description: 'AWS region' } },
        },
      },
      { name: 'restart_service', description: 'Restart a production service', max_ttl: '2h', parameters: { type: 'object', properties: { service: { type: 'string' } } } },
    ],
    console: {
      auditor_groups: ['auditors'],
      session_idle_timeout: '30m',
      session_absolute_timeout: '8h',
      providers: {
        google: { client_id: 'console-google', issuer: oidcIssuer },
        github: { client_id: 'console-github', issuer: githubUrl, api_url: githubUrl },
        microsoft: { client_id: 'console-microsoft', tenant_id: MICROSOFT_TENANT, issuer: microsoftIssuer },
      },
    },
  };
}

/** A running world. */
export class ConsoleWorld {
  readonly lines: Record<string, unknown>[] = [];
  baseUrl = '';
  private child?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly slack: SlackWireServer,
    readonly opa: OpaWireServer,
    readonly oidc: OidcServer,
    readonly github: GithubOauthServer,
    readonly microsoft: OidcServer,
    /** More environment for `serve` and the CLI (e.g. the env var naming a cluster's kubeconfig). */
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  /** Starts the stand-ins and the console; `configure` may change the config first, `env` adds to its environment. */
  static async start(configure: (config: Record<string, unknown>) => void = () => undefined, env: Record<string, string> = {}): Promise<ConsoleWorld> {
    const dir = mkdtempSync(join(tmpdir(), 'jit-console-'));
    const slack = await startSlackWireServer({ channels: [CHANNEL], users: Object.values(CONSOLE_PEOPLE).map((email) => ({ id: `U${email.split('@')[0]!.toUpperCase()}`, email, name: email.split('@')[0]! })) });
    const opa = await startOpaWireServer();
    const oidc = await startOidcServer({
      clientId: 'console-google',
      clientSecret: 'google-secret',
      users: [
        ...['dev', 'alice', 'bob', 'erin', 'sus', 'outsider'].map((name) => ({ email: `${name}@example.com` })),
        { email: CONSOLE_PEOPLE.unverified, emailVerified: false },
      ],
      title: 'Sign in to Google (test stand-in)',
    });
    const github = await startGithubOauthServer({
      clientId: 'console-github',
      clientSecret: 'github-secret',
      accounts: [
        { login: 'alice-gh', emails: [{ email: 'alice@example.com', primary: true, verified: true }] },
        { login: 'mallory-gh', emails: [{ email: 'bob@example.com', primary: true, verified: false }, { email: 'mallory@elsewhere.example', primary: false, verified: true }] },
      ],
    });
    // Entra: an email counts when verified or domain-owner verified (xms_edov), and only from the configured tenant.
    const microsoft = await startOidcServer({
      clientId: 'console-microsoft',
      clientSecret: 'microsoft-secret',
      issuerPath: `/${MICROSOFT_TENANT}/v2.0`,
      users: [
        { email: 'dev@example.com', emailVerified: false, claims: { tid: MICROSOFT_TENANT, xms_edov: true } },
        { email: 'alice@example.com', emailVerified: true, claims: { tid: 'another-tenant' } },
        { email: 'bob@example.com', emailVerified: false, claims: { tid: MICROSOFT_TENANT } },
      ],
      title: 'Sign in to Microsoft (test stand-in)',
    });
    const world = new ConsoleWorld(dir, slack, opa, oidc, github, microsoft, env);
    const config = consoleConfig(opa.url, oidc.issuer, github.url, microsoft.issuer);
    configure(config);
    writeFileSync(join(dir, 'jit.json'), JSON.stringify(config, null, 2));
    await world.serve();
    return world;
  }

  /** The environment `serve` and the CLI run with. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      JIT_CONFIG: join(this.dir, 'jit.json'),
      JIT_DATABASE: join(this.dir, 'jit.sqlite'),
      JIT_LOG_FILE: join(this.dir, 'operator.log'),
      SLACK_API_TOKEN: this.slack.token,
      SLACK_API_URL: this.slack.apiUrl,
      APPROVERS_CHANNEL: CHANNEL,
      JIT_CONSOLE_COOKIE_SECRET: 'test-cookie-secret-0123456789abcdef0123456789',
      GOOGLE_CLIENT_SECRET: 'google-secret',
      GITHUB_CLIENT_SECRET: 'github-secret',
      MICROSOFT_CLIENT_SECRET: 'microsoft-secret',
      ...this.extraEnv,
      ...extra,
    };
  }

  private async serve(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let buffer = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolvePromise, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            this.lines.push(entry);
            if (entry.message === 'listening') {
              this.baseUrl = String(entry.base_url).replace(/\/$/, '');
              resolvePromise();
            }
          } catch {
            this.lines.push({ unparsed: line });
          }
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}${buffer}`)));
    });
    this.oidc.allowRedirect(`${this.baseUrl}/auth/google/callback`);
    this.github.allowRedirect(`${this.baseUrl}/auth/github/callback`);
    this.microsoft.allowRedirect(`${this.baseUrl}/auth/microsoft/callback`);
  }

  /** Whether the OPA stand-in holds an Enforcer grant for this request (ids and data mention it). */
  hasGrant(requestId: string): boolean {
    const kubiya = (this.opa.data.kubiya ?? {}) as { jit?: { grants?: Record<string, unknown> } };
    return Object.entries(kubiya.jit?.grants ?? {}).some(([key, grant]) => key.includes(requestId) || JSON.stringify(grant).includes(requestId));
  }

  /** Stops `serve` with SIGTERM and returns its exit code. */
  async stopServer(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));
    child.kill('SIGTERM');
    return exited;
  }

  /** Stops everything and removes the folder. */
  async close(): Promise<void> {
    await this.stopServer();
    await Promise.all([this.slack.close(), this.opa.close(), this.oidc.close(), this.github.close(), this.microsoft.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
