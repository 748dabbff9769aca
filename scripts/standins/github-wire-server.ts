/**
 * A local server that speaks the parts of GitHub's API the GitHub directory uses, for tests and the bench —
 * a stand-in, not GitHub. Written from GitHub's REST and GraphQL references: GitHub App authentication (an
 * RS256 JWT for `/app/...` and `/orgs/{org}/installation`, exchanged at
 * `POST /app/installations/{id}/access_tokens` for an installation token), token auth, teams with child
 * teams (`GET /orgs/{org}/teams/{slug}/members` includes child teams' members), memberships, users with
 * `suspended_at` and GraphQL `User.suspendedAt` (as GitHub Enterprise Server reports them), `Link` pagination honouring `per_page` (max 100),
 * SAML identities over GraphQL with cursors, `x-ratelimit-*` headers, GitHub's error bodies, and primary and
 * secondary rate limits.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GitHubState, type GitHubAccount } from './github-state.js';
import { pageOf, type Reply, type StandinRequest, type StandinServer, startStandin, verifyRs256 } from './standin-http.js';

const DOCS = 'https://docs.github.com/rest';

/** A running GitHub stand-in and the handles tests use to shape it. */
export interface GitHubWireServer extends StandinServer {
  /** The base URL to give Octokit (`GITHUB_API_URL`). */
  readonly apiUrl: string;
  readonly state: GitHubState;
  /** The App: its id, installation id and private key (PEM). */
  readonly app: { appId: string; installationId: number; privateKey: string };
  /** A personal access token the server accepts. */
  readonly token: string;
  /** Installation tokens issued so far become invalid (as when they expire after an hour). */
  expireInstallationTokens(): void;
  /** The App's key is revoked: JWTs it signed are refused from now on. */
  revokeAppKey(): void;
  /** The next `count` API requests hit a rate limit: `secondary` (403 + retry-after) or `primary` (remaining 0 + reset). */
  rateLimitNext(count: number, kind: 'secondary' | 'primary', waitSeconds: number): void;
}

function error(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { status, body: { message, documentation_url: DOCS, status: String(status) }, headers };
}

function simpleUser(a: GitHubAccount, apiUrl: string): Record<string, unknown> {
  return { login: a.login, id: a.id, node_id: `U_${a.id}`, type: 'User', site_admin: false, url: `${apiUrl}/users/${a.login}` };
}

function fullUser(a: GitHubAccount, apiUrl: string): Record<string, unknown> {
  return { ...simpleUser(a, apiUrl), name: a.name, email: null, suspended_at: a.suspendedAt, created_at: '2020-01-01T00:00:00Z' };
}

/** Starts the stand-in for organisation `org`. `perPageMax` caps `per_page` (GitHub: 100). */
export async function startGitHubWireServer(options: { org?: string; perPageMax?: number } = {}): Promise<GitHubWireServer> {
  const state = new GitHubState(options.org ?? 'acme');
  const perPageMax = options.perPageMax ?? 100;
  let keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const app = { appId: '424242', installationId: 7_000_001, privateKey };
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  const installationTokens = new Set<string>();
  let usage = 0;

  function appJwt(req: StandinRequest): Reply | undefined {
    const header = req.headers.authorization ?? '';
    const jwt = /^bearer\s+(.+)$/i.exec(header)?.[1];
    const claims = jwt ? verifyRs256(jwt, publicKey) : undefined;
    if (!claims) return error(401, 'A JSON web token could not be decoded');
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== app.appId) return error(401, `'Issuer' claim ('iss') must be an Integer`);
    if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp - Number(claims.iat) > 600) {
      return error(401, `'Expiration time' claim ('exp') is too far in the future`);
    }
    return undefined;
  }

  function tokenAuth(req: StandinRequest): Reply | undefined {
    const value = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (value && (value === token || installationTokens.has(value))) return undefined;
    return error(401, 'Bad credentials');
  }

  function paged(req: StandinRequest, items: unknown[], apiUrl: string): Reply {
    const perPage = Math.min(Math.max(Number(req.url.searchParams.get('per_page') ?? 30) || 30, 1), perPageMax);
    const page = Math.max(Number(req.url.searchParams.get('page') ?? 1) || 1, 1);
    const { items: slice, more } = pageOf(items, page, perPage);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const next = new URL(req.url.pathname, apiUrl);
      req.url.searchParams.forEach((v, k) => next.searchParams.set(k, v));
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(p));
      return next.toString();
    };
    const links = more ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [];
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    return { status: 200, body: slice, headers: links.length ? { Link: links.join(', ') } : {} };
  }

  function graphql(req: StandinRequest): Reply {
    const { query, variables } = JSON.parse(req.body || '{}') as { query?: string; variables?: { org?: string; cursor?: string | null } };
    const lookups = [...(query ?? '').matchAll(/(\w+): user\(login: "([^"]+)"\) \{ login suspendedAt \}/g)];
    if (lookups.length > 0) {
      // GitHub Enterprise Server's User.suspendedAt, one aliased field per login.
      return { status: 200, body: { data: Object.fromEntries(lookups.map(([, alias, login]) => {
        const account = state.accounts.get(login!.toLowerCase());
        return [alias, account ? { login: account.login, suspendedAt: account.suspendedAt } : null];
      })) } };
    }
    if (!query?.includes('externalIdentities')) return { status: 200, body: { errors: [{ message: 'stand-in: only the externalIdentities and user queries are served', type: 'NOT_IMPLEMENTED' }] } };
    if (variables?.org?.toLowerCase() !== state.org.toLowerCase()) {
      return { status: 200, body: { data: { organization: null }, errors: [{ type: 'NOT_FOUND', path: ['organization'], message: `Could not resolve to an Organization with the login of '${variables?.org}'.` }] } };
    }
    if (!state.samlEnabled) return { status: 200, body: { data: { organization: { samlIdentityProvider: null } } } };
    const all = [...state.saml].map(([login, identity]) => ({ account: state.accounts.get(login)!, identity })).filter((x) => state.orgMembers.has(x.account.login.toLowerCase()));
    const start = variables?.cursor ? Number(Buffer.from(variables.cursor, 'base64').toString('utf8').replace('cursor:', '')) : 0;
    const size = Math.min(100, perPageMax);
    const slice = all.slice(start, start + size);
    const end = start + slice.length;
    return {
      status: 200,
      body: {
        data: {
          organization: {
            samlIdentityProvider: {
              externalIdentities: {
                pageInfo: { hasNextPage: end < all.length, endCursor: slice.length ? Buffer.from(`cursor:${end}`).toString('base64') : null },
                edges: slice.map(({ account, identity }) => ({
                  node: { samlIdentity: { nameId: identity.nameId, emails: identity.emails }, user: { login: account.login, databaseId: account.id } },
                })),
              },
            },
          },
        },
      },
    };
  }

  function route(req: StandinRequest, apiUrl: string): Reply {
    const path = req.url.pathname;
    const org = state.org.toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path)) && req.method === 'POST') {
      const refused = appJwt(req);
      if (refused) return refused;
      if (Number(m[1]) !== app.installationId) return error(404, 'Not Found');
      const issued = `ghs_${randomBytes(18).toString('hex')}`;
      installationTokens.add(issued);
      return { status: 201, body: { token: issued, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { members: 'read' }, repository_selection: 'all' } };
    }
    if ((m = /^\/orgs\/([^/]+)\/installation$/.exec(path))) {
      const refused = appJwt(req);
      if (refused) return refused;
      if (m[1]!.toLowerCase() !== org) return error(404, 'Not Found');
      return { status: 200, body: { id: app.installationId, app_id: Number(app.appId), account: { login: state.org, type: 'Organization' }, target_type: 'Organization', permissions: { members: 'read' } } };
    }
    const refused = tokenAuth(req);
    if (refused) return refused;
    if (path === '/graphql' && req.method === 'POST') return graphql(req);
    if ((m = /^\/orgs\/([^/]+)\/teams\/([^/]+)(\/members|\/memberships\/([^/]+))?$/.exec(path))) {
      const team = m[1]!.toLowerCase() === org ? state.teams.get(decodeURIComponent(m[2]!)) : undefined;
      if (!team) return error(404, 'Not Found');
      if (m[3] === '/members') return paged(req, state.teamMembers(team.slug).map((a) => simpleUser(a, apiUrl)), apiUrl);
      if (m[4]) {
        const login = decodeURIComponent(m[4]);
        const membership = state.accounts.has(login.toLowerCase()) ? state.teamMembership(team.slug, login) : undefined;
        if (!membership) return error(404, 'Not Found');
        const role = 'member';
        return { status: 200, body: { url: `${apiUrl}/organizations/1/team/${team.id}/memberships/${login}`, role, state: membership } };
      }
      return { status: 200, body: { id: team.id, node_id: `T_${team.id}`, slug: team.slug, name: team.name, privacy: 'closed', parent: team.parent ? { slug: team.parent, id: state.team(team.parent).id } : null } };
    }
    if ((m = /^\/orgs\/([^/]+)\/memberships\/([^/]+)$/.exec(path))) {
      const login = decodeURIComponent(m[2]!).toLowerCase();
      const membership = m[1]!.toLowerCase() === org ? state.orgMembers.get(login) : undefined;
      if (!membership) return error(404, 'Not Found');
      return { status: 200, body: { state: membership, role: 'member', organization: { login: state.org }, user: simpleUser(state.accounts.get(login)!, apiUrl) } };
    }
    if ((m = /^\/user\/(\d+)$/.exec(path))) {
      const account = [...state.accounts.values()].find((a) => a.id === Number(m![1]));
      return account ? { status: 200, body: fullUser(account, apiUrl) } : error(404, 'Not Found');
    }
    if ((m = /^\/users\/([^/]+)$/.exec(path))) {
      const account = state.accounts.get(decodeURIComponent(m[1]!).toLowerCase());
      return account ? { status: 200, body: fullUser(account, apiUrl) } : error(404, 'Not Found');
    }
    return error(404, 'Not Found');
  }

  const server = await startStandin((req, apiUrl) => {
    usage += 1;
    const reply = route(req, apiUrl);
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    return {
      ...reply,
      headers: {
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(Math.max(0, 5000 - usage)),
        'x-ratelimit-reset': reset,
        'x-ratelimit-resource': 'core',
        ...reply.headers,
      },
    };
  });

  return {
    ...server,
    apiUrl: server.url,
    state,
    app,
    token,
    expireInstallationTokens: () => installationTokens.clear(),
    revokeAppKey() {
      keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    },
    rateLimitNext(count, kind, waitSeconds) {
      server.failNext(count, () =>
        kind === 'secondary'
          ? error(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': String(waitSeconds) })
          : error(403, 'API rate limit exceeded for installation ID 7000001.', {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + waitSeconds),
            }),
      /^\/(orgs|users|user|graphql)/);
    },
  };
}
