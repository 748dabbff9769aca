/**
 * The fixture of `directory-world.ts` in each directory: the config lists, and the real Okta, GitHub, Google
 * and Microsoft adapters on their SDKs against the wire-level stand-ins (a fake of storage — the in-memory
 * cache pair — is the only thing not real).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigDirectory, type ConfigMember } from '../../scripts/adapters/directory/config-directory.js';
import { createGitHubDirectory } from '../../scripts/adapters/github/github-directory.js';
import { createGoogleDirectory } from '../../scripts/adapters/google/google-directory.js';
import { createMicrosoftDirectory } from '../../scripts/adapters/microsoft/microsoft-directory.js';
import { createOktaDirectory } from '../../scripts/adapters/okta/okta-directory.js';
import { ManualClock } from '../../scripts/core/clock.js';
import type { Directory } from '../../scripts/core/ports.js';
import { startGitHubWireServer } from '../../scripts/standins/github-wire-server.js';
import { startGoogleWireServer } from '../../scripts/standins/google-wire-server.js';
import { startMicrosoftWireServer } from '../../scripts/standins/microsoft-wire-server.js';
import { startOktaWireServer } from '../../scripts/standins/okta-wire-server.js';
import { readTlsAuthority } from '../../scripts/standins/tls-authority.js';
import { MemoryCache, RecordingLogger } from '../integration/okta/okta-helpers.js';
import { BIG, CONTRACT_PAGE, deadUrl, type DirectoryWorld, type LogicalGroup, type OpenOptions, WHO } from './directory-world.js';

const MEMBERS: Record<LogicalGroup, string[]> = {
  approvers: [WHO.ana, WHO.bo, WHO.sus, WHO.kim],
  child: [WHO.cy],
  other: [WHO.out],
  big: BIG,
};
const EVERYONE = [WHO.ana, WHO.bo, WHO.cy, WHO.sus, WHO.out, WHO.kim, ...BIG];

function common(options: OpenOptions) {
  return {
    cache: new MemoryCache(),
    clock: options.clock ?? new ManualClock(Date.UTC(2030, 0, 1)),
    log: new RecordingLogger(),
    ...(options.membershipCacheSeconds !== undefined ? { membershipCacheSeconds: options.membershipCacheSeconds } : {}),
    ...(options.memberListCacheSeconds !== undefined ? { memberListCacheSeconds: options.memberListCacheSeconds } : {}),
    maxRateLimitWaitSeconds: 5,
    requestTimeoutMs: 5000,
  };
}

/** The config lists: no nesting (cy is a direct member), no ids, no caches; a change is read by the next run. */
export async function configWorld(): Promise<DirectoryWorld> {
  const lists: Record<LogicalGroup, string[]> = { approvers: [...MEMBERS.approvers, WHO.cy], child: [WHO.cy], other: [WHO.out], big: [...BIG] };
  const suspended = new Set<string>([WHO.sus]);
  const build = () =>
    new ConfigDirectory(Object.fromEntries(Object.entries(lists).map(([g, members]) => [g, members.map((m): ConfigMember => (suspended.has(m) ? { email: m, status: 'SUSPENDED' } : m))])));
  // Each call reads the lists as they are now, as the next tool run reads the config file.
  const live: Directory = {
    findPerson: (email) => build().findPerson(email),
    groupMembers: (group) => build().groupMembers(group),
    isActiveMember: (email, group) => build().isActiveMember(email, group),
  };
  return {
    name: 'config',
    caps: { nesting: false, stableIds: false, caches: false, faults: false },
    codePrefix: 'config',
    credential: { setting: /$^/, secret: '' },
    group: (g) => g,
    open: async () => live,
    removeMember: (g, email) => void (lists[g] = lists[g].filter((m) => m !== email)),
    addMember: (g, email) => void lists[g].push(email),
    suspend: (email) => void suspended.add(email),
    requestCount: () => 0,
    close: async () => {},
  };
}

/** Okta: no nested groups; `kim` also has the login kim.admin@example.com. */
export async function oktaWorld(): Promise<DirectoryWorld> {
  const okta = await startOktaWireServer({ pageLimitMax: CONTRACT_PAGE });

  for (const email of EVERYONE) okta.addUser({ email, status: email === WHO.sus ? 'SUSPENDED' : 'ACTIVE', ...(email === WHO.kim ? { login: 'kim.admin@example.com' } : {}) });
  // Someone whose login is lee's email, and lee, whose login is not.
  okta.addUser({ email: 'x@example.com', login: 'lee@example.com', status: 'ACTIVE' });
  const leeId = okta.addUser({ email: 'lee@example.com', login: 'lee.person@example.com', status: 'ACTIVE' });
  for (const [group, members] of Object.entries(MEMBERS)) {
    okta.addGroup(group);
    for (const email of members) okta.addMember(group, email);
  }
  okta.addMember('approvers', WHO.cy);
  return {
    name: 'okta',
    caps: { nesting: false, stableIds: true, caches: true, faults: true },
    codePrefix: 'okta',
    credential: { setting: /OKTA_API_TOKEN/, secret: okta.token },
    secondIdentifier: 'kim.admin@example.com',
    collision: { email: 'lee@example.com', ownerId: () => leeId },
    group: (g) => g,
    open: async (options = {}) => {
      const orgUrl = options.broken === 'down' ? await deadUrl() : okta.orgUrl;
      const token = options.broken === 'credential' ? `00${'x'.repeat(40)}` : okta.token;
      return createOktaDirectory({ OKTA_ORG_URL: orgUrl, OKTA_API_TOKEN: token }, common(options));
    },
    removeMember: (g, email) => okta.removeMember(g, email),
    addMember: (g, email) => okta.addMember(g, email),
    suspend: (email) => okta.setStatus(email, 'SUSPENDED'),
    requestCount: () => okta.requests.length,
    close: () => okta.close(),
  };
}

/** GitHub: teams of `acme`, `child` a child team of `approvers`; emails from SAML, bo's from the mapping file. */
export async function gitHubWorld(): Promise<DirectoryWorld> {
  const gh = await startGitHubWireServer({ perPageMax: CONTRACT_PAGE });
  const dir = mkdtempSync(join(tmpdir(), 'jit-gh-'));
  const login = (email: string) => email.split('@')[0]!;
  for (const email of EVERYONE) gh.state.addUser(login(email), { email, saml: email !== WHO.bo, suspended: email === WHO.sus });
  const mapping = join(dir, 'github-emails.json');
  writeFileSync(mapping, JSON.stringify([{ email: WHO.bo, login: 'bo', id: gh.state.account('bo').id }]));
  gh.state.addTeam('approvers');
  gh.state.addTeam('child', 'approvers');
  gh.state.addTeam('other');
  gh.state.addTeam('big');
  for (const [group, members] of Object.entries(MEMBERS)) for (const email of members) gh.state.addMember(group, login(email));
  const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    name: 'github',
    caps: { nesting: true, stableIds: true, caches: true, faults: true },
    codePrefix: 'github',
    credential: { setting: /GITHUB_APP_PRIVATE_KEY/, secret: wrongKey.split('\n')[1]! },
    secondIdentifier: 'kim',
    group: (g) => `acme/${g}`,
    open: async (options = {}) => {
      const apiUrl = options.broken === 'down' ? await deadUrl() : gh.apiUrl;
      const key = options.broken === 'credential' ? wrongKey : gh.app.privateKey;
      return createGitHubDirectory({ GITHUB_API_URL: apiUrl, GITHUB_APP_ID: gh.app.appId, GITHUB_APP_PRIVATE_KEY: key, GITHUB_APP_INSTALLATION_ID: String(gh.app.installationId) }, { organization: 'acme', email_mapping: mapping }, common(options));
    },
    removeMember: (g, email) => gh.state.removeMember(g, login(email)),
    addMember: (g, email) => gh.state.addMember(g, login(email)),
    suspend: (email) => gh.state.setSuspended(login(email), true),
    requestCount: () => gh.requests.length,
    close: async () => {
      rmSync(dir, { recursive: true, force: true });
      await gh.close();
    },
  };
}

/** Google Workspace: groups by email, `child@` a member group of `approvers@`; kim has an alias. */
export async function googleWorld(): Promise<DirectoryWorld> {
  const g = await startGoogleWireServer({ pageMax: CONTRACT_PAGE });
  g.addUser('admin@example.com', { isAdmin: true });
  for (const email of EVERYONE) g.addUser(email, { suspended: email === WHO.sus, ...(email === WHO.kim ? { aliases: ['kim.alias@example.com'] } : {}) });
  const address = (group: LogicalGroup) => `${group}@example.com`;
  g.addGroup(address('child'), MEMBERS.child);
  g.addGroup(address('approvers'), [...MEMBERS.approvers, address('child')]);
  g.addGroup(address('other'), MEMBERS.other);
  g.addGroup(address('big'), BIG);
  const wrongKey = JSON.stringify({ ...JSON.parse(g.serviceAccountKey), private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
  return {
    name: 'google',
    caps: { nesting: true, stableIds: true, caches: true, faults: true },
    codePrefix: 'google',
    credential: { setting: /GOOGLE_SERVICE_ACCOUNT_KEY/, secret: (JSON.parse(wrongKey) as { private_key: string }).private_key.split('\n')[1]! },
    secondIdentifier: 'kim.alias@example.com',
    group: address,
    open: async (options = {}) => {
      const url = options.broken === 'down' ? await deadUrl() : g.apiUrl;
      const key = options.broken === 'credential' ? wrongKey : g.serviceAccountKey;
      return createGoogleDirectory({ GOOGLE_API_URL: url, GOOGLE_TOKEN_URL: `${url}/token`, GOOGLE_SERVICE_ACCOUNT_KEY: key }, { admin_email: 'admin@example.com' }, common(options));
    },
    removeMember: (group, email) => g.removeMember(address(group), email),
    addMember: (group, email) => g.addMember(address(group), email),
    suspend: (email) => g.setSuspended(email, true),
    requestCount: () => g.requests.length,
    close: () => g.close(),
  };
}

/** Microsoft Entra: groups by display name, `Child` nested in `Approvers`; kim's UPN differs from her mail. */
export async function microsoftWorld(): Promise<DirectoryWorld> {
  const tls = readTlsAuthority(process.env.JIT_TEST_TLS_DIR ?? '');
  const ms = await startMicrosoftWireServer({ cert: tls.serverCert, key: tls.serverKey }, { pageMax: CONTRACT_PAGE });
  for (const email of EVERYONE) ms.addUser(email, { enabled: email !== WHO.sus, ...(email === WHO.kim ? { upn: 'kim.upn@example.com' } : {}) });
  ms.addUser('x@example.com', { upn: 'lee@example.com' });
  const leeId = ms.addUser('lee@example.com', { upn: 'lee.person@example.com' });
  const name = (group: LogicalGroup) => group[0]!.toUpperCase() + group.slice(1);
  ms.addGroup(name('child'), MEMBERS.child);
  ms.addGroup(name('approvers'), [...MEMBERS.approvers, name('child')]);
  ms.addGroup(name('other'), MEMBERS.other);
  ms.addGroup(name('big'), BIG);
  return {
    name: 'microsoft',
    caps: { nesting: true, stableIds: true, caches: true, faults: true },
    codePrefix: 'microsoft',
    credential: { setting: /AZURE_CLIENT_SECRET/, secret: 'jit~wrong-secret-value-0123456789' },
    secondIdentifier: 'kim.upn@example.com',
    collision: { email: 'lee@example.com', ownerId: () => leeId },
    group: name,
    open: async (options = {}) => {
      const url = options.broken === 'down' ? await deadUrl('https') : ms.graphUrl;
      const secret = options.broken === 'credential' ? 'jit~wrong-secret-value-0123456789' : ms.clientSecret;
      return createMicrosoftDirectory({ AZURE_TENANT_ID: ms.tenantId, AZURE_CLIENT_ID: ms.clientId, AZURE_CLIENT_SECRET: secret, AZURE_AUTHORITY_HOST: url, MICROSOFT_GRAPH_URL: url }, common(options));
    },
    removeMember: (group, email) => ms.removeMember(name(group), email),
    addMember: (group, email) => ms.addMember(name(group), email),
    suspend: (email) => ms.setEnabled(email, false),
    requestCount: () => ms.requests.length,
    close: () => ms.close(),
  };
}
