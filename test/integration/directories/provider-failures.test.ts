/**
 * Each provider directory's own failure modes against its stand-in, on the official SDKs: paging at the
 * provider's real page size, rate limits waited out within the budget (and refused past it, with the
 * provider's code), credentials that expire while the process runs, and a provider that does not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubDirectory } from '../../../scripts/adapters/github/github-directory.js';
import { createGoogleDirectory } from '../../../scripts/adapters/google/google-directory.js';
import { createMicrosoftDirectory } from '../../../scripts/adapters/microsoft/microsoft-directory.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { startGitHubWireServer, type GitHubWireServer } from '../../../scripts/standins/github-wire-server.js';
import { startGoogleWireServer, type GoogleWireServer } from '../../../scripts/standins/google-wire-server.js';
import { startMicrosoftWireServer, type MicrosoftWireServer } from '../../../scripts/standins/microsoft-wire-server.js';
import { readTlsAuthority } from '../../../scripts/standins/tls-authority.js';
import { MemoryCache, RecordingLogger, rejection } from '../okta/okta-helpers.js';

const options = (extra: Record<string, number> = {}) => ({
  cache: new MemoryCache(),
  clock: new ManualClock(Date.UTC(2030, 0, 1)),
  log: new RecordingLogger(),
  membershipCacheSeconds: 0,
  memberListCacheSeconds: 0,
  requestTimeoutMs: 2000,
  ...extra,
});
const emails = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}@example.com`);

describe('GitHub', () => {
  let gh: GitHubWireServer;
  const people = emails(250, 'eng');
  beforeAll(async () => {
    gh = await startGitHubWireServer();
    gh.state.addTeam('platform');
    for (const email of people) {
      gh.state.addUser(email.split('@')[0]!, { email });
      gh.state.addMember('platform', email.split('@')[0]!);
    }
  });
  afterAll(() => gh.close());
  const open = (extra: Record<string, number> = {}) =>
    createGitHubDirectory({ GITHUB_API_URL: gh.apiUrl, GITHUB_APP_ID: gh.app.appId, GITHUB_APP_PRIVATE_KEY: gh.app.privateKey }, { organization: 'acme' }, options(extra));

  it('lists 250 members over three pages of 100 and SAML identities over three GraphQL pages', async () => {
    gh.clearRequests();
    const members = await (await open()).groupMembers('acme/platform');
    expect(members.map((m) => m.email).sort()).toEqual(people);
    const pages = gh.requests.filter((r) => r.path === '/orgs/acme/teams/platform/members');
    expect(pages.map((p) => [p.query.per_page, p.query.page ?? '1'])).toEqual([['100', '1'], ['100', '2'], ['100', '3']]);
    expect(gh.requests.filter((r) => r.path === '/graphql').length).toBeGreaterThanOrEqual(3);
  });

  it('waits out a secondary rate limit within the budget, and refuses one past it as github.rate_limited', async () => {
    const directory = await open({ maxRateLimitWaitSeconds: 5 });
    gh.rateLimitNext(1, 'secondary', 1);
    expect(await directory.isActiveMember(people[0]!, 'acme/platform')).toBe(true);
    gh.rateLimitNext(1, 'primary', 120);
    const err = await rejection(directory.isActiveMember(people[1]!, 'acme/platform'));
    gh.clearFaults();
    expect(err.code).toBe('github.rate_limited');
    expect(err.message).toContain('directory.max_rate_limit_wait');
  });

  it('asks for a new installation token when the one it holds expires; a revoked App key is github.unauthorized', async () => {
    const directory = await open();
    expect(await directory.isActiveMember(people[2]!, 'acme/platform')).toBe(true);
    gh.expireInstallationTokens();
    expect(await directory.isActiveMember(people[3]!, 'acme/platform')).toBe(true);
    gh.revokeAppKey();
    gh.expireInstallationTokens();
    const err = await rejection(directory.isActiveMember(people[4]!, 'acme/platform'));
    expect(err.code).toBe('github.unauthorized');
    expect(err.message).toContain('GITHUB_APP_PRIVATE_KEY');
    expect(err.message).not.toContain(gh.app.privateKey.split('\n')[1]!);
  });

  it('gives up on a GitHub that does not answer after the request timeout: github.unreachable', async () => {
    const server = await startGitHubWireServer();
    try {
      server.failNext(5, 'hang');
      const directory = await createGitHubDirectory({ GITHUB_API_URL: server.apiUrl, GITHUB_TOKEN: server.token }, { organization: 'acme' }, options({ requestTimeoutMs: 300 }));
      expect((await rejection(directory.groupMembers('acme/platform'))).code).toBe('github.unreachable');
    } finally {
      await server.close();
    }
  });

  it('refuses settings that name nothing usable, naming the variable or key', async () => {
    const base = { GITHUB_API_URL: gh.apiUrl };
    expect((await rejection(createGitHubDirectory(base, { organization: 'acme' }, options()))).message).toContain('GITHUB_APP_ID');
    expect((await rejection(createGitHubDirectory({ ...base, GITHUB_TOKEN: 't' }, {}, options()))).message).toContain('directory.organization');
    const both = await rejection(createGitHubDirectory({ ...base, GITHUB_TOKEN: 'ghp_secret123', GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'x' }, { organization: 'acme' }, options()));
    expect(both.message).toContain('both set');
    expect(both.message).not.toContain('ghp_secret123');
    expect((await rejection(createGitHubDirectory({ ...base, GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'not a key' }, { organization: 'acme' }, options()))).message).toContain('GITHUB_APP_PRIVATE_KEY is not a PEM');
    expect((await rejection(createGitHubDirectory({ ...base, GITHUB_TOKEN: 't' }, { organization: 'acme' }, options({ membershipCacheSeconds: 301 })))).message).toContain('directory.membership_cache');
  });
});

describe('Google Workspace', () => {
  let g: GoogleWireServer;
  const people = emails(450, 'g');
  beforeAll(async () => {
    g = await startGoogleWireServer();
    g.addUser('admin@example.com', { isAdmin: true });
    for (const email of people) g.addUser(email, { archived: email === people[0] });
    g.addGroup('big@example.com', people);
  });
  afterAll(() => g.close());
  const open = (extra: Record<string, number> = {}) =>
    createGoogleDirectory({ GOOGLE_API_URL: g.apiUrl, GOOGLE_TOKEN_URL: g.tokenUrl, GOOGLE_SERVICE_ACCOUNT_KEY: g.serviceAccountKey }, { admin_email: 'admin@example.com' }, options(extra));

  it('lists 450 members over three pages of 200, an archived user listed but not ACTIVE', async () => {
    g.clearRequests();
    const members = await (await open()).groupMembers('big@example.com');
    expect(members).toHaveLength(450);
    expect(members.filter((m) => !m.active).map((m) => m.email)).toEqual([people[0]]);
    const pages = g.requests.filter((r) => r.path.endsWith('/members'));
    expect(pages.map((p) => [p.query.maxResults, p.query.pageToken !== undefined])).toEqual([['200', false], ['200', true], ['200', true]]);
  });

  it('waits out a 429 for its Retry-After within the budget, and refuses one past it as google.rate_limited', async () => {
    const directory = await open({ maxRateLimitWaitSeconds: 3 });
    g.rateLimitNext(1, 1);
    expect(await directory.isActiveMember(people[1]!, 'big@example.com')).toBe(true);
    g.rateLimitNext(1, 60);
    const err = await rejection(directory.isActiveMember(people[2]!, 'big@example.com'));
    g.clearFaults();
    expect(err.code).toBe('google.rate_limited');
  });

  it('fetches a new token when the one it holds expires; a deleted key is google.unauthorized naming the key variable', async () => {
    const directory = await open();
    expect(await directory.isActiveMember(people[3]!, 'big@example.com')).toBe(true);
    g.expireTokens();
    expect(await directory.isActiveMember(people[4]!, 'big@example.com')).toBe(true);
    g.deleteKey();
    g.expireTokens();
    const err = await rejection(directory.isActiveMember(people[5]!, 'big@example.com'));
    expect(err.code).toBe('google.unauthorized');
    expect(err.message).toContain('GOOGLE_SERVICE_ACCOUNT_KEY');
    expect(err.message).not.toContain('PRIVATE KEY');
  });

  it('refuses a bad key or a missing admin, naming the setting', async () => {
    expect((await rejection(createGoogleDirectory({ GOOGLE_SERVICE_ACCOUNT_KEY: '{"type":"authorized_user"}' }, { admin_email: 'a@example.com' }, options()))).message).toContain('GOOGLE_SERVICE_ACCOUNT_KEY is not a service account key');
    expect((await rejection(createGoogleDirectory({ GOOGLE_SERVICE_ACCOUNT_KEY: g.serviceAccountKey }, {}, options()))).message).toContain('directory.admin_email');
  });
});

describe('Microsoft Entra', () => {
  let ms: MicrosoftWireServer;
  const people = emails(2100, 'm');
  let env: Record<string, string>;
  beforeAll(async () => {
    const tls = readTlsAuthority(process.env.JIT_TEST_TLS_DIR ?? '');
    ms = await startMicrosoftWireServer({ cert: tls.serverCert, key: tls.serverKey });
    for (const email of people) ms.addUser(email, { enabled: email !== people[7] });
    ms.addGroup('All Engineers', people);
    env = { AZURE_TENANT_ID: ms.tenantId, AZURE_CLIENT_ID: ms.clientId, AZURE_CLIENT_SECRET: ms.clientSecret, AZURE_AUTHORITY_HOST: ms.authorityHost, MICROSOFT_GRAPH_URL: ms.graphUrl };
  });
  afterAll(() => ms.close());

  it('lists 2,100 transitive members over three @odata.nextLink pages of 999, a disabled account not ACTIVE', async () => {
    ms.clearRequests();
    const members = await (await createMicrosoftDirectory(env, options())).groupMembers('All Engineers');
    expect(members).toHaveLength(2100);
    expect(members.filter((m) => !m.active).map((m) => m.email)).toEqual([people[7]]);
    const pages = ms.requests.filter((r) => r.path.endsWith('/transitiveMembers/microsoft.graph.user'));
    expect(pages.map((p) => [p.query.$top, p.query.$skiptoken !== undefined])).toEqual([['999', false], ['999', true], ['999', true]]);
  });

  it('waits out a 429 for its Retry-After within the budget, and refuses one past it as microsoft.rate_limited', async () => {
    const directory = await createMicrosoftDirectory(env, options({ maxRateLimitWaitSeconds: 3 }));
    ms.throttleNext(1, 1);
    expect(await directory.isActiveMember(people[1]!, 'All Engineers')).toBe(true);
    ms.throttleNext(1, 60);
    const err = await rejection(directory.isActiveMember(people[2]!, 'All Engineers'));
    ms.clearFaults();
    expect(err.code).toBe('microsoft.rate_limited');
  });

  it('names the missing permission on 403, and an expired client secret as microsoft.unauthorized', async () => {
    ms.grantPermissions(['User.Read.All']);
    const forbidden = await rejection((await createMicrosoftDirectory(env, options())).groupMembers('All Engineers'));
    ms.grantPermissions(['User.Read.All', 'GroupMember.Read.All']);
    expect(forbidden.code).toBe('microsoft.forbidden');
    expect(forbidden.message).toContain('GroupMember.Read.All');
    ms.expireSecret();
    const expired = await rejection((await createMicrosoftDirectory(env, options())).isActiveMember(people[3]!, 'All Engineers'));
    expect(expired.code).toBe('microsoft.unauthorized');
    expect(expired.message).toContain('AZURE_CLIENT_SECRET');
    expect(expired.message).not.toContain(ms.clientSecret);
  });

  it('refuses an http authority or a missing secret, naming the variable', async () => {
    expect((await rejection(createMicrosoftDirectory({ ...env, AZURE_AUTHORITY_HOST: 'http://127.0.0.1:1' }, options()))).message).toContain('AZURE_AUTHORITY_HOST must use https');
    expect((await rejection(createMicrosoftDirectory({ ...env, AZURE_CLIENT_SECRET: '' }, options()))).message).toContain('AZURE_CLIENT_SECRET is not set');
  });
});
