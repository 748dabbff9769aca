/**
 * A local server that speaks the parts of Google Workspace's Admin SDK Directory API and OAuth 2.0 token
 * endpoint the Google directory uses, for tests and the bench — a stand-in, not Google. Written from
 * Google's references: the JWT-bearer grant for a service account with domain-wide delegation (RS256
 * assertion signed by the account's key, `aud` = Google's token URL, `sub` = the admin, scopes checked),
 * `groups.get`, `members.list` (`maxResults` ≤ 200, `pageToken`), `members.hasMember` (nested groups count),
 * `users.get` (by primary email, alias or id), `users.list` with `isSuspended` / `isArchived` searches, and
 * Google's error bodies (`{"error": {"code", "message", "errors": [{reason}], "status"}}`).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type Reply, type StandinRequest, type StandinServer, startStandin, verifyRs256 } from './standin-http.js';

/** A Workspace user. */
export interface GoogleUser {
  id: string;
  primaryEmail: string;
  aliases: string[];
  suspended: boolean;
  archived: boolean;
  isAdmin: boolean;
  name: string;
}

/** A Google group and its direct members (user or group ids). */
export interface GoogleGroup {
  id: string;
  email: string;
  members: Map<string, 'USER' | 'GROUP'>;
}

/** A running Google stand-in and the handles tests use to shape it. */
export interface GoogleWireServer extends StandinServer {
  /** `GOOGLE_API_URL` and `GOOGLE_TOKEN_URL` for the adapter. */
  readonly apiUrl: string;
  readonly tokenUrl: string;
  /** The service account key JSON (`GOOGLE_SERVICE_ACCOUNT_KEY`). */
  readonly serviceAccountKey: string;
  readonly users: Map<string, GoogleUser>;
  readonly groups: Map<string, GoogleGroup>;
  addUser(email: string, options?: { suspended?: boolean; archived?: boolean; isAdmin?: boolean; aliases?: string[]; name?: string }): string;
  addGroup(email: string, members?: string[]): string;
  /** Adds a user or a group (by email) to a group. */
  addMember(group: string, member: string): void;
  removeMember(group: string, member: string): void;
  setSuspended(email: string, suspended: boolean): void;
  setArchived(email: string, archived: boolean): void;
  /** The service account's key is deleted: assertions it signs are refused. */
  deleteKey(): void;
  /** Access tokens issued so far stop working (as when they expire). */
  expireTokens(): void;
  /** The next `count` API calls get 429 rateLimitExceeded, with `Retry-After` when given. */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
}

const API = '/admin/directory/v1';
const SCOPES = { group: 'https://www.googleapis.com/auth/admin.directory.group.readonly', user: 'https://www.googleapis.com/auth/admin.directory.user.readonly' };
const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

function apiError(code: number, message: string, reason: string, status: string): Reply {
  return { status: code, body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } } };
}

function numericId(prefix: string): string {
  return `${prefix}${BigInt(`0x${randomBytes(8).toString('hex')}`).toString().slice(0, 20)}`;
}

/** Starts the stand-in; `pageMax` caps `maxResults` for members (Google: 200). */
export async function startGoogleWireServer(options: { pageMax?: number } = {}): Promise<GoogleWireServer> {
  const pageMax = options.pageMax ?? 200;
  const users = new Map<string, GoogleUser>();
  const groups = new Map<string, GoogleGroup>();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const clientEmail = 'jit-directory@jit-project.iam.gserviceaccount.com';
  const serviceAccountKey = JSON.stringify({
    type: 'service_account',
    project_id: 'jit-project',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '104729384756102938475',
    token_uri: TOKEN_AUDIENCE,
  });
  const tokens = new Map<string, Set<string>>();

  const userByKey = (key: string) => {
    const k = decodeURIComponent(key).toLowerCase();
    return users.get(k) ?? [...users.values()].find((u) => u.primaryEmail === k || u.aliases.includes(k));
  };
  const groupByKey = (key: string) => {
    const k = decodeURIComponent(key).toLowerCase();
    return groups.get(k) ?? [...groups.values()].find((g) => g.email === k);
  };
  const byEmail = (email: string): { id: string; type: 'USER' | 'GROUP' } => {
    const user = userByKey(email);
    if (user) return { id: user.id, type: 'USER' };
    const group = groupByKey(email);
    if (group) return { id: group.id, type: 'GROUP' };
    throw new Error(`stand-in: no Google user or group ${email}`);
  };

  function token(req: StandinRequest): Reply {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' } };
    const claims = verifyRs256(form.get('assertion') ?? '', publicKey);
    if (!claims) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== TOKEN_AUDIENCE || claims.iss !== clientEmail) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.' } };
    if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp - now > 3600) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.' } };
    const subject = typeof claims.sub === 'string' ? userByKey(claims.sub) : undefined;
    if (!subject || subject.suspended) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' } };
    const scopes = String(claims.scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !Object.values(SCOPES).includes(s))) {
      return { status: 401, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' } };
    }
    const issued = `ya29.${randomBytes(24).toString('base64url')}`;
    tokens.set(issued, new Set(subject.isAdmin ? scopes : []));
    return { status: 200, body: { access_token: issued, expires_in: 3599, token_type: 'Bearer' } };
  }

  function page<T>(req: StandinRequest, items: T[], cap: number, field: string): Reply {
    const size = Math.min(Math.max(Number(req.url.searchParams.get('maxResults') ?? cap) || cap, 1), cap);
    const start = Number(Buffer.from(req.url.searchParams.get('pageToken') ?? '', 'base64url').toString('utf8') || 0);
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return { status: 200, body: { kind: `admin#directory#${field}`, etag: '"stand-in"', [field]: slice, ...(next ? { nextPageToken: next } : {}) } };
  }

  function renderMember(id: string, type: 'USER' | 'GROUP'): Record<string, unknown> {
    if (type === 'GROUP') return { kind: 'admin#directory#member', id, email: groups.get(id)!.email, role: 'MEMBER', type: 'GROUP', status: 'ACTIVE' };
    const user = users.get(id)!;
    return { kind: 'admin#directory#member', id, email: user.primaryEmail, role: 'MEMBER', type: 'USER', status: user.suspended ? 'SUSPENDED' : 'ACTIVE' };
  }

  function renderUser(u: GoogleUser): Record<string, unknown> {
    return { kind: 'admin#directory#user', id: u.id, primaryEmail: u.primaryEmail, aliases: u.aliases, suspended: u.suspended, archived: u.archived, isAdmin: u.isAdmin, name: { fullName: u.name } };
  }

  function nested(group: GoogleGroup, userId: string, seen = new Set<string>()): boolean {
    if (seen.has(group.id)) return false;
    seen.add(group.id);
    for (const [id, type] of group.members) {
      if (type === 'USER' && id === userId) return true;
      if (type === 'GROUP' && nested(groups.get(id)!, userId, seen)) return true;
    }
    return false;
  }

  function route(req: StandinRequest): Reply {
    const path = req.url.pathname;
    if (path === '/token' && req.method === 'POST') return token(req);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const scopes = bearer ? tokens.get(bearer) : undefined;
    if (!scopes) return apiError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError', 'UNAUTHENTICATED');
    const need = (scope: string) => (scopes.has(scope) ? undefined : apiError(403, 'Not Authorized to access this resource/api', 'forbidden', 'PERMISSION_DENIED'));
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${API}/groups/([^/]+)(/members|/hasMember/([^/]+))?$`).exec(path))) {
      const denied = need(SCOPES.group);
      if (denied) return denied;
      const group = groupByKey(m[1]!);
      if (!group) return apiError(404, 'Resource Not Found: groupKey', 'notFound', 'NOT_FOUND');
      if (m[2] === '/members') return page(req, [...group.members].map(([id, type]) => renderMember(id, type)), pageMax, 'members');
      if (m[3]) {
        const user = userByKey(m[3]);
        if (!user) return apiError(404, 'Resource Not Found: memberKey', 'notFound', 'NOT_FOUND');
        return { status: 200, body: { isMember: nested(group, user.id) } };
      }
      return { status: 200, body: { kind: 'admin#directory#group', id: group.id, email: group.email, name: group.email.split('@')[0], directMembersCount: String(group.members.size) } };
    }
    if ((m = new RegExp(`^${API}/users/([^/]+)$`).exec(path))) {
      const denied = need(SCOPES.user);
      if (denied) return denied;
      const user = userByKey(m[1]!);
      return user ? { status: 200, body: renderUser(user) } : apiError(404, 'Resource Not Found: userKey', 'notFound', 'NOT_FOUND');
    }
    if (path === `${API}/users`) {
      const denied = need(SCOPES.user);
      if (denied) return denied;
      if (req.url.searchParams.get('customer') !== 'my_customer' && !req.url.searchParams.get('domain')) return apiError(400, 'Bad Request', 'badRequest', 'INVALID_ARGUMENT');
      const query = req.url.searchParams.get('query') ?? '';
      const filtered = [...users.values()].filter((u) => (query === 'isSuspended=true' ? u.suspended : query === 'isArchived=true' ? u.archived : true));
      return page(req, filtered.map(renderUser), 500, 'users');
    }
    return apiError(404, 'Not Found', 'notFound', 'NOT_FOUND');
  }

  const server = await startStandin(route);
  const standin: GoogleWireServer = {
    ...server,
    apiUrl: server.url,
    tokenUrl: `${server.url}/token`,
    serviceAccountKey,
    users,
    groups,
    addUser(email, o = {}) {
      const id = numericId('1');
      users.set(id, { id, primaryEmail: email.toLowerCase(), aliases: (o.aliases ?? []).map((a) => a.toLowerCase()), suspended: o.suspended ?? false, archived: o.archived ?? false, isAdmin: o.isAdmin ?? false, name: o.name ?? email.split('@')[0]! });
      return id;
    },
    addGroup(email, members = []) {
      const id = numericId('0');
      groups.set(id, { id, email: email.toLowerCase(), members: new Map() });
      for (const member of members) standin.addMember(email, member);
      return id;
    },
    addMember(group, member) {
      const target = groupByKey(group);
      if (!target) throw new Error(`stand-in: no Google group ${group}`);
      const { id, type } = byEmail(member);
      target.members.set(id, type);
    },
    removeMember(group, member) {
      groupByKey(group)?.members.delete(byEmail(member).id);
    },
    setSuspended(email, suspended) {
      userByKey(email)!.suspended = suspended;
    },
    setArchived(email, archived) {
      userByKey(email)!.archived = archived;
    },
    deleteKey() {
      publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    },
    expireTokens: () => tokens.clear(),
    rateLimitNext(count, retryAfterSeconds) {
      const reply = apiError(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'RESOURCE_EXHAUSTED');
      server.failNext(count, { ...reply, ...(retryAfterSeconds !== undefined ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : {}) }, API);
    },
  };
  return standin;
}
