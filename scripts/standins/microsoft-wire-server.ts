/**
 * A local HTTPS server that speaks the parts of the Microsoft identity platform and Microsoft Graph the
 * Entra directory uses, for tests and the bench — a stand-in, not Microsoft. Written from Microsoft's
 * references: the tenant's OpenID configuration, the v2.0 token endpoint's client-credentials grant (with
 * AADSTS errors for a wrong or expired secret), and Graph v1.0: groups by id or `displayName eq`,
 * `transitiveMembers/microsoft.graph.user` with `$select` and `$top` (≤ 999) paged by `@odata.nextLink`,
 * users by `mail eq`, `checkMemberGroups`, application permissions checked per call, Graph's error bodies and
 * 429 with `Retry-After`. HTTPS because MSAL accepts only an https authority: start it with a certificate
 * from `tls-authority.ts` whose CA the client trusts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Reply, type StandinRequest, type StandinServer, startStandin } from './standin-http.js';

/** An Entra user. */
export interface EntraUser {
  id: string;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
  displayName: string;
}

/** An Entra group: direct members are user or group object ids. */
export interface EntraGroup {
  id: string;
  displayName: string;
  members: Set<string>;
}

/** A running stand-in and the handles tests use to shape it. */
export interface MicrosoftWireServer extends StandinServer {
  /** `AZURE_AUTHORITY_HOST` and `MICROSOFT_GRAPH_URL` for the adapter (the same server). */
  readonly authorityHost: string;
  readonly graphUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: Map<string, EntraUser>;
  readonly groups: Map<string, EntraGroup>;
  addUser(mail: string | null, options?: { upn?: string; enabled?: boolean; displayName?: string }): string;
  addGroup(displayName: string, members?: string[]): string;
  /** Adds a user (by mail or UPN) or a group (by display name or id) to a group. */
  addMember(group: string, member: string): void;
  removeMember(group: string, member: string): void;
  setEnabled(mail: string, enabled: boolean): void;
  /** The client secret expires: token requests get AADSTS7000222. Tokens already issued stop working too. */
  expireSecret(): void;
  /** The app's application permissions (default User.Read.All and GroupMember.Read.All). */
  grantPermissions(roles: string[]): void;
  /** The next `count` Graph calls get 429 TooManyRequests with `Retry-After`. */
  throttleNext(count: number, retryAfterSeconds: number): void;
}

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } } };
}

function tokenError(status: number, error: string, code: number, description: string): Reply {
  return { status, body: { error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() } };
}

/** The literal of `field eq 'value'` in an OData filter, with '' unescaped. */
function eqFilter(filter: string | null, field: string): string | undefined {
  const match = filter ? new RegExp(`^${field} eq '((?:[^']|'')*)'$`).exec(filter.trim()) : null;
  return match ? match[1]!.replace(/''/g, "'") : undefined;
}

/** Starts the stand-in over HTTPS with `tls`; `pageMax` caps `$top` (Graph: 999). */
export async function startMicrosoftWireServer(tls: { cert: string; key: string }, options: { pageMax?: number } = {}): Promise<MicrosoftWireServer> {
  const pageMax = options.pageMax ?? 999;
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `jit~${randomBytes(20).toString('base64url')}`;
  const users = new Map<string, EntraUser>();
  const groups = new Map<string, EntraGroup>();
  const tokens = new Map<string, Set<string>>();
  let roles = new Set(['User.Read.All', 'GroupMember.Read.All']);
  let secretExpired = false;
  const pages = new Map<string, { items: Record<string, unknown>[]; size: number }>();

  const findUser = (key: string) => users.get(key) ?? [...users.values()].find((u) => u.mail === key.toLowerCase() || u.userPrincipalName.toLowerCase() === key.toLowerCase());
  const findGroup = (key: string) => groups.get(key) ?? [...groups.values()].find((g) => g.displayName === key);
  const render = (u: EntraUser, select: string | null) => {
    const full: Record<string, unknown> = { '@odata.type': '#microsoft.graph.user', id: u.id, mail: u.mail, userPrincipalName: u.userPrincipalName, accountEnabled: u.accountEnabled, displayName: u.displayName };
    // Graph returns accountEnabled only when it is selected.
    const fields = select ? select.split(',').map((f) => f.trim()) : ['id', 'mail', 'userPrincipalName', 'displayName'];
    return Object.fromEntries(Object.entries(full).filter(([k]) => k === '@odata.type' || fields.includes(k)));
  };
  const transitive = (group: EntraGroup, seen = new Set<string>()): EntraUser[] => {
    if (seen.has(group.id)) return [];
    seen.add(group.id);
    const found = new Map<string, EntraUser>();
    for (const id of group.members) {
      if (users.has(id)) found.set(id, users.get(id)!);
      else if (groups.has(id)) for (const u of transitive(groups.get(id)!, seen)) found.set(u.id, u);
    }
    return [...found.values()];
  };

  function collection(req: StandinRequest, base: string, items: Record<string, unknown>[], context: string): Reply {
    const skip = req.url.searchParams.get('$skiptoken');
    let state = skip ? pages.get(skip) : undefined;
    if (skip && !state) return graphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
    state ??= { items, size: Math.min(Math.max(Number(req.url.searchParams.get('$top') ?? 100) || 100, 1), pageMax) };
    const slice = state.items.slice(0, state.size);
    const rest = state.items.slice(state.size);
    const body: Record<string, unknown> = { '@odata.context': `${base}/v1.0/$metadata#${context}`, value: slice };
    if (rest.length) {
      const token = randomBytes(12).toString('hex');
      pages.set(token, { items: rest, size: state.size });
      const next = new URL(req.url.pathname, base);
      for (const [k, v] of req.url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
      next.searchParams.set('$skiptoken', token);
      body['@odata.nextLink'] = next.toString();
    }
    return { status: 200, body };
  }

  function token(req: StandinRequest, tenant: string): Reply {
    const form = new URLSearchParams(req.body);
    if (tenant !== tenantId) return tokenError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') return tokenError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== clientId) return tokenError(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory.`);
    if (form.get('client_secret') !== clientSecret) return tokenError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    if (secretExpired) return tokenError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired.`);
    const issued = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.stand-in`;
    tokens.set(issued, new Set(roles));
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: issued } };
  }

  function route(req: StandinRequest, base: string): Reply {
    const path = req.url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path))) {
      const t = m[1]!;
      if (t !== tenantId) return tokenError(400, 'invalid_tenant', 90002, `Tenant '${t}' not found.`);
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/${t}/v2.0`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          tenant_region_scope: 'EU',
        },
      };
    }
    if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path)) && req.method === 'POST') return token(req, m[1]!);
    if (!path.startsWith('/v1.0/')) return graphError(404, 'UnknownError', 'Not found');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = bearer ? tokens.get(bearer) : undefined;
    if (!granted) return graphError(401, 'InvalidAuthenticationToken', bearer ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
    const need = (...any: string[]) => (any.some((r) => granted.has(r)) ? undefined : graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));
    const select = req.url.searchParams.get('$select');
    const notFound = (id: string) => graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    if (path === '/v1.0/groups') {
      const denied = need('GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All');
      if (denied) return denied;
      const name = eqFilter(req.url.searchParams.get('$filter'), 'displayName');
      if (name === undefined) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
      const matches = [...groups.values()].filter((g) => g.displayName.toLowerCase() === name.toLowerCase()).map((g) => ({ id: g.id, displayName: g.displayName }));
      return collection(req, base, matches, 'groups(id,displayName)');
    }
    if ((m = /^\/v1\.0\/groups\/([^/]+)(\/transitiveMembers\/microsoft\.graph\.user)?$/.exec(path))) {
      const denied = need('GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All');
      if (denied) return denied;
      const group = groups.get(decodeURIComponent(m[1]!));
      if (!group) return notFound(m[1]!);
      if (!m[2]) return { status: 200, body: { id: group.id, displayName: group.displayName } };
      return collection(req, base, transitive(group).map((u) => render(u, select)), 'users');
    }
    if (path === '/v1.0/users') {
      const denied = need('User.Read.All', 'Directory.Read.All');
      if (denied) return denied;
      const mail = eqFilter(req.url.searchParams.get('$filter'), 'mail');
      if (mail === undefined) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
      return collection(req, base, [...users.values()].filter((u) => u.mail === mail.toLowerCase()).map((u) => render(u, select)), 'users');
    }
    if ((m = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/.exec(path)) && req.method === 'POST') {
      const denied = need('GroupMember.Read.All', 'Directory.Read.All');
      if (denied) return denied;
      const user = users.get(decodeURIComponent(m[1]!));
      if (!user) return notFound(m[1]!);
      const asked = (JSON.parse(req.body || '{}') as { groupIds?: string[] }).groupIds ?? [];
      return { status: 200, body: { '@odata.context': `${base}/v1.0/$metadata#Collection(Edm.String)`, value: asked.filter((id) => groups.has(id) && transitive(groups.get(id)!).some((u) => u.id === user.id)) } };
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[2] ?? ''}'.`);
  }

  const server = await startStandin(route, { tls });
  const standin: MicrosoftWireServer = {
    ...server,
    authorityHost: server.url,
    graphUrl: server.url,
    tenantId,
    clientId,
    clientSecret,
    users,
    groups,
    addUser(mail, o = {}) {
      const id = randomUUID();
      users.set(id, { id, mail: mail?.toLowerCase() ?? null, userPrincipalName: o.upn ?? mail ?? `${id}@tenant.onmicrosoft.com`, accountEnabled: o.enabled ?? true, displayName: o.displayName ?? (mail ?? id).split('@')[0]! });
      return id;
    },
    addGroup(displayName, members = []) {
      const id = randomUUID();
      groups.set(id, { id, displayName, members: new Set() });
      for (const member of members) standin.addMember(id, member);
      return id;
    },
    addMember(group, member) {
      const target = findGroup(group);
      const id = findUser(member)?.id ?? findGroup(member)?.id;
      if (!target || !id) throw new Error(`stand-in: no Entra group ${group} or member ${member}`);
      target.members.add(id);
    },
    removeMember(group, member) {
      const id = findUser(member)?.id ?? findGroup(member)?.id;
      if (id) findGroup(group)?.members.delete(id);
    },
    setEnabled(mail, enabled) {
      findUser(mail)!.accountEnabled = enabled;
    },
    expireSecret() {
      secretExpired = true;
      tokens.clear();
    },
    grantPermissions(list) {
      roles = new Set(list);
    },
    throttleNext(count, retryAfterSeconds) {
      server.failNext(count, graphError(429, 'TooManyRequests', 'Too many requests.', { 'Retry-After': String(retryAfterSeconds) }), '/v1.0/');
    },
  };
  return standin;
}
