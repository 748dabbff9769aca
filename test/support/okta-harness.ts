/**
 * A lifecycle deployment whose directory is Okta: the Slack and OPA stand-ins of {@link LifecycleHarness}, plus
 * the Okta wire stand-in seeded with a small organisation, a config with `directory: {type: okta}` and the
 * shipped knowledge documents, and the real CLI run with `OKTA_ORG_URL` / `OKTA_API_TOKEN` pointing at it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SqliteRequestStore } from '../../scripts/adapters/store/sqlite-request-store.js';
import { expect } from 'vitest';
import type { AccessRequest, AuditEvent } from '../../scripts/core/types.js';
import { startOktaWireServer, type OktaWireServer } from '../../scripts/standins/okta-wire-server.js';
import { CLI, LifecycleHarness, PEOPLE, type CliRun } from './lifecycle-harness.js';

/** The example knowledge set shipped with the package. */
export const SHIPPED_KNOWLEDGE = resolve(import.meta.dirname, '..', '..', 'configs', 'knowledge');

/** The owners the shipped documents name, all allowed. */
export const KNOWLEDGE_ALLOWLIST = ['cloud-compute-owners', 'data-platform-owners', 'network-owners', 'finance-approvers', 'k8s-prod-owners'];

/** A suspended engineer: in the requester group, but not ACTIVE in Okta. */
export const SUSPENDED = 'sus@example.com';
/** An ACTIVE person in no requester group. */
export const OUTSIDER = PEOPLE.mallory.email;
/** The data platform owners (the shipped databases.md names this group). */
export const DATA_OWNERS = ['dana@example.com', 'dave@example.com'];
/** The one member of `cloud-compute-owners` (the shipped compute.md names this group). */
export const COMPUTE_OWNER = 'cora@example.com';

/**
 * The organisation every test starts from: `engineering` may request (dev, carol, alice and a suspended
 * member); `platform-approvers` (alice, bob, dev) is the default approver group; `data-platform-owners` owns
 * databases and `cloud-compute-owners` compute; `my-friends` (mallory) is a group no allowlist names.
 */
export function seedOrganisation(okta: OktaWireServer): void {
  for (const person of Object.values(PEOPLE)) okta.addUser({ email: person.email, status: 'ACTIVE' });
  for (const email of [...DATA_OWNERS, COMPUTE_OWNER]) okta.addUser({ email, status: 'ACTIVE' });
  okta.addUser({ email: SUSPENDED, status: 'SUSPENDED' });
  const groups: Record<string, string[]> = {
    engineering: [PEOPLE.dev.email, PEOPLE.carol.email, PEOPLE.alice.email, SUSPENDED],
    'platform-approvers': [PEOPLE.alice.email, PEOPLE.bob.email, PEOPLE.dev.email],
    'data-platform-owners': DATA_OWNERS,
    'cloud-compute-owners': [COMPUTE_OWNER],
    'my-friends': [PEOPLE.mallory.email],
  };
  for (const [group, members] of Object.entries(groups)) {
    okta.addGroup(group);
    for (const email of members) okta.addMember(group, email);
  }
}

/** A tool the config does not map to approvers: knowledge decides (databases.md lists it). */
export const RESTORE_RDS_SNAPSHOT = {
  name: 'restore_rds_snapshot',
  description: 'Restore an RDS database snapshot into a new DB instance',
  max_ttl: '4h',
  parameters: {
    type: 'object',
    additionalProperties: false,
    required: ['snapshot_id'],
    properties: { snapshot_id: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
  },
};

/**
 * Points a lifecycle config at Okta (`membership_cache` 0s: ask Okta on every check) and a knowledge folder;
 * maps create_ec2 to `platform-approvers` and adds the unmapped {@link RESTORE_RDS_SNAPSHOT}.
 */
export function oktaConfig(config: Record<string, unknown>, knowledgeDir: string = SHIPPED_KNOWLEDGE): void {
  config.directory = { type: 'okta', membership_cache: '0s', member_list_cache: '0s' };
  config.approvals = {
    default_approver_groups: ['platform-approvers'],
    timeout: '1h',
    knowledge: { dir: knowledgeDir, allowlist: KNOWLEDGE_ALLOWLIST, min_score: 8 },
  };
  const [ec2] = config.tools as Record<string, unknown>[];
  config.tools = [{ ...ec2, approver_groups: ['platform-approvers'] }, RESTORE_RDS_SNAPSHOT];
}

/** How a test shapes its deployment. */
export interface DeploymentOptions {
  /** Edits the config after {@link oktaConfig}. */
  configure?: (config: Record<string, unknown>) => void;
}

/**
 * Runs `test` against a deployment of its own and closes it afterwards, so that tests share nothing and
 * can run concurrently (each CLI run is a process; two at once use both cores of a small runner).
 */
export async function withOktaDeployment(test: (d: OktaDeployment) => Promise<void>, options: DeploymentOptions = {}): Promise<void> {
  const d = await OktaDeployment.start(options);
  try {
    await test(d);
  } finally {
    await d.close();
  }
}

/** A deployment on Okta: the lifecycle harness, the Okta stand-in, and runs that carry the Okta settings. */
export class OktaDeployment {
  private constructor(readonly h: LifecycleHarness, readonly okta: OktaWireServer) {}

  /**
   * Starts the stand-ins, seeds the organisation, writes the config (`configure` edits it after
   * {@link oktaConfig}) and returns the deployment.
   */
  static async start(options: DeploymentOptions = {}): Promise<OktaDeployment> {
    const okta = await startOktaWireServer();
    seedOrganisation(okta);
    const h = await LifecycleHarness.start((config) => {
      oktaConfig(config);
      options.configure?.(config);
    });
    return new OktaDeployment(h, okta);
  }

  /** Rewrites the config file; every later CLI run reads the new one. */
  editConfig(edit: (config: Record<string, unknown>) => void): void {
    const config = JSON.parse(readFileSync(this.h.configPath, 'utf8')) as Record<string, unknown>;
    edit(config);
    this.h.writeConfig(config);
  }

  /** The Okta settings every run gets. */
  oktaEnv(): Record<string, string> {
    return { OKTA_ORG_URL: this.okta.orgUrl, OKTA_API_TOKEN: this.okta.token };
  }

  /** Runs `kubiya-jit <args> --output json` as `as`, against Okta. */
  run(as: string | undefined, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return this.h.run(as, args, { env: { ...this.oktaEnv(), ...env } });
  }

  /** `request_tool_access` with these arguments (create_ec2 in eu-west-1 by default) as `as` (dev). */
  request(overrides: Record<string, string> = {}, as: string = PEOPLE.dev.email): Promise<CliRun> {
    const args = { tool_name: 'create_ec2', tool_params: '{"region": "eu-west-1"}', ttl: '1h', justification: 'Reproduce INC-42 in eu-west-1', ...overrides };
    return this.run(as, ['request_tool_access', ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, v])]);
  }

  approve(requestId: string, as: string, action = 'approve'): Promise<CliRun> {
    return this.run(as, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', action]);
  }

  /** What the store holds: the requests and the audit events. */
  async stored(): Promise<{ requests: number; events: AuditEvent[] }> {
    const store = SqliteRequestStore.open(this.h.databasePath);
    try {
      return { requests: (await store.list({ limit: 10_000 })).length, events: await store.auditEvents() };
    } finally {
      await store.close();
    }
  }

  /** One stored request, read from the database the CLI writes. */
  async storedRequest(id: string): Promise<AccessRequest | undefined> {
    const store = SqliteRequestStore.open(this.h.databasePath);
    try {
      return await store.get(id);
    } finally {
      await store.close();
    }
  }

  /**
   * Runs a CLI command that must fail with `code`, and checks it printed no stack trace or token and left no
   * request, audit event, Slack post or grant behind. Faults injected into Okta are cleared afterwards.
   */
  async expectRefusedCleanly(run: () => Promise<CliRun>, code: string): Promise<CliRun> {
    const before = await this.footprint();
    const result = await run();
    this.okta.clearFaults();
    expect(result.code, result.stdout).toBe(1);
    expect(result.json.code, result.stdout).toBe(code);
    expect(result.stdout).not.toMatch(/\bat .*\.js:\d+/);
    expect(result.stdout).not.toContain(this.okta.token);
    expect(await this.footprint()).toEqual(before);
    return result;
  }

  /**
   * What a refused request must leave unchanged: stored requests, audit events, Slack posts and grants. The one
   * event a refusal may add is its own record (`request_refused`, for analytics), which describes no request.
   */
  async footprint(): Promise<{ requests: number; events: number; messages: number; grants: number }> {
    const { requests, events } = await this.stored();
    const kept = events.filter((event) => event.type !== 'request_refused');
    return { requests, events: kept.length, messages: this.h.slack.messages.length, grants: Object.keys(this.h.grants()).length };
  }

  /** Runs `kubiya-jit <args>` as `as` without `--output json`: what a person reads. */
  runText(as: string | undefined, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: this.h.env(as, this.oktaEnv()) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
      child.stdin.end();
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.h.close(), this.okta.close()]);
  }
}
