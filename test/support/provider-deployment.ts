/**
 * A lifecycle deployment whose directory is GitHub, Google Workspace or Microsoft Entra: the Slack and OPA
 * stand-ins of {@link LifecycleHarness}, the provider's wire-level stand-in seeded with a small organisation
 * (`engineering` may request; `approvers` — alice, bob and dev — approve create_ec2), a config naming the
 * directory with both caches at 0 s, and the real CLI run with the provider's settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubWireServer } from '../../scripts/standins/github-wire-server.js';
import { startGoogleWireServer } from '../../scripts/standins/google-wire-server.js';
import { startMicrosoftWireServer } from '../../scripts/standins/microsoft-wire-server.js';
import { readTlsAuthority } from '../../scripts/standins/tls-authority.js';
import { type CliRun, LifecycleHarness, PEOPLE } from './lifecycle-harness.js';

/** The directories this harness deploys. */
export type ProviderKind = 'github' | 'google' | 'microsoft';

/** The organisation in one provider's stand-in, and how to change it. */
export interface ProviderOrg {
  env: Record<string, string>;
  directory: Record<string, unknown>;
  group(name: 'engineering' | 'approvers'): string;
  removeMember(group: 'engineering' | 'approvers', email: string): void;
  suspend(email: string): void;
  /** A member of `approvers` whose email the directory cannot know (GitHub only). */
  unmatched?: string;
  requests(): { path: string }[];
  close(): Promise<void>;
}

const ORG = {
  engineering: [PEOPLE.dev.email, PEOPLE.carol.email, PEOPLE.alice.email],
  approvers: [PEOPLE.alice.email, PEOPLE.bob.email, PEOPLE.dev.email],
};
const EVERYONE = Object.values(PEOPLE).map((p) => p.email);

async function gitHubOrg(dir: string): Promise<ProviderOrg> {
  const gh = await startGitHubWireServer();
  const login = (email: string) => email.split('@')[0]!;
  // bob's email comes from the mapping file, everyone else's from SAML; "ghost" has neither.
  for (const email of EVERYONE) gh.state.addUser(login(email), { email, saml: email !== PEOPLE.bob.email });
  gh.state.addUser('ghost');
  const mapping = join(dir, 'github-emails.yaml');
  writeFileSync(mapping, `people:\n  - email: ${PEOPLE.bob.email}\n    id: ${gh.state.account('bob').id}\n    login: bob\n`);
  gh.state.addTeam('engineering');
  gh.state.addTeam('approvers');
  // alice reaches approvers through a child team, as GitHub counts members of child teams.
  gh.state.addTeam('approvers-oncall', 'approvers');
  for (const email of ORG.engineering) gh.state.addMember('engineering', login(email));
  for (const email of ORG.approvers) gh.state.addMember(email === PEOPLE.alice.email ? 'approvers-oncall' : 'approvers', login(email));
  gh.state.addMember('approvers', 'ghost');
  return {
    env: { GITHUB_API_URL: gh.apiUrl, GITHUB_APP_ID: gh.app.appId, GITHUB_APP_PRIVATE_KEY: gh.app.privateKey },
    directory: { type: 'github', organization: 'acme', email_mapping: mapping },
    group: (name) => `acme/${name}`,
    removeMember: (group, email) => {
      gh.state.removeMember(group, login(email));
      if (group === 'approvers') gh.state.removeMember('approvers-oncall', login(email));
    },
    suspend: (email) => gh.state.setSuspended(login(email), true),
    unmatched: 'ghost',
    requests: () => gh.requests,
    close: () => gh.close(),
  };
}

async function googleOrg(): Promise<ProviderOrg> {
  const g = await startGoogleWireServer();
  g.addUser('jit-admin@example.com', { isAdmin: true });
  for (const email of EVERYONE) g.addUser(email);
  g.addGroup('approvers-oncall@example.com', [PEOPLE.alice.email]);
  g.addGroup('approvers@example.com', [PEOPLE.bob.email, PEOPLE.dev.email, 'approvers-oncall@example.com']);
  g.addGroup('engineering@example.com', ORG.engineering);
  return {
    env: { GOOGLE_API_URL: g.apiUrl, GOOGLE_TOKEN_URL: g.tokenUrl, GOOGLE_SERVICE_ACCOUNT_KEY: g.serviceAccountKey },
    directory: { type: 'google', admin_email: 'jit-admin@example.com' },
    group: (name) => `${name}@example.com`,
    removeMember: (group, email) => {
      g.removeMember(`${group}@example.com`, email);
      if (group === 'approvers') g.removeMember('approvers-oncall@example.com', email);
    },
    suspend: (email) => g.setSuspended(email, true),
    requests: () => g.requests,
    close: () => g.close(),
  };
}

async function microsoftOrg(): Promise<ProviderOrg> {
  const tls = readTlsAuthority(process.env.JIT_TEST_TLS_DIR ?? '');
  const ms = await startMicrosoftWireServer({ cert: tls.serverCert, key: tls.serverKey });
  for (const email of EVERYONE) ms.addUser(email);
  ms.addGroup('Approvers On-call', [PEOPLE.alice.email]);
  ms.addGroup('Approvers', [PEOPLE.bob.email, PEOPLE.dev.email, 'Approvers On-call']);
  ms.addGroup('Engineering', ORG.engineering);
  return {
    env: {
      AZURE_TENANT_ID: ms.tenantId,
      AZURE_CLIENT_ID: ms.clientId,
      AZURE_CLIENT_SECRET: ms.clientSecret,
      AZURE_AUTHORITY_HOST: ms.authorityHost,
      MICROSOFT_GRAPH_URL: ms.graphUrl,
      // The CLI is a new process: it must trust the stand-in's CA from its start.
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
    },
    directory: { type: 'microsoft' },
    group: (name) => (name === 'approvers' ? 'Approvers' : 'Engineering'),
    removeMember: (group, email) => {
      ms.removeMember(group === 'approvers' ? 'Approvers' : 'Engineering', email);
      if (group === 'approvers') ms.removeMember('Approvers On-call', email);
    },
    suspend: (email) => ms.setEnabled(email, false),
    requests: () => ms.requests,
    close: () => ms.close(),
  };
}

/** A deployment on one provider directory. */
export class ProviderDeployment {
  private constructor(readonly h: LifecycleHarness, readonly org: ProviderOrg, private readonly dir: string) {}

  static async start(kind: ProviderKind): Promise<ProviderDeployment> {
    const dir = mkdtempSync(join(tmpdir(), 'jit-provider-'));
    const org = kind === 'github' ? await gitHubOrg(dir) : kind === 'google' ? await googleOrg() : await microsoftOrg();
    const h = await LifecycleHarness.start((config) => {
      config.directory = { ...org.directory, membership_cache: '0s', member_list_cache: '0s' };
      config.requesters = { allowed_groups: [org.group('engineering')] };
      config.approvals = { default_approver_groups: [org.group('approvers')], timeout: '1h' };
      const [ec2] = config.tools as Record<string, unknown>[];
      config.tools = [{ ...ec2, approver_groups: [org.group('approvers')] }];
    });
    return new ProviderDeployment(h, org, dir);
  }

  run(as: string | undefined, args: string[]): Promise<CliRun> {
    return this.h.run(as, args, { env: this.org.env });
  }

  request(as: string = PEOPLE.dev.email): Promise<CliRun> {
    return this.run(as, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--ttl', '1h', '--justification', 'Reproduce INC-42 in eu-west-1']);
  }

  approve(requestId: string, as: string, action = 'approve'): Promise<CliRun> {
    return this.run(as, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', action]);
  }

  async close(): Promise<void> {
    await Promise.all([this.h.close(), this.org.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `test` against a deployment of its own on `kind`. */
export async function withProviderDeployment(kind: ProviderKind, test: (d: ProviderDeployment) => Promise<void>): Promise<void> {
  const d = await ProviderDeployment.start(kind);
  try {
    await test(d);
  } finally {
    await d.close();
  }
}
