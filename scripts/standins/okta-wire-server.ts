/**
 * A local HTTP server that speaks Okta's Management API on the wire, for tests, the demo and the bench:
 * the same paths, `SSWS` API-token and OAuth 2.0 `Bearer` auth (with the org token endpoint for service
 * apps), `Link` pagination honouring `limit`, user statuses, Okta's error bodies and its rate-limit headers.
 * It binds 127.0.0.1 on an ephemeral port. Written from Okta's public API documentation.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { OktaOAuth } from './okta-oauth.js';
import { oktaError, requiredScope, routeApi, type Reply } from './okta-routes.js';
import { OktaState, type OktaUserStatus } from './okta-state.js';

/** One request the server saw (never the credential itself). */
export interface OktaLoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: 'SSWS' | 'Bearer' | 'none' | 'other';
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

/** A failure to inject: an Okta error reply, a dropped connection, or no answer at all. */
export type OktaFailure = { status: number; errorCode?: string; errorSummary?: string } | 'drop' | 'hang';

/** A running stand-in and the handles tests use to shape it. */
export interface OktaWireServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly orgUrl: string;
  /** The API token `SSWS` requests must carry. */
  readonly token: string;
  /** Every request seen, in order. */
  readonly requests: OktaLoggedRequest[];
  /** The directory behind the server, for setups the helpers below do not cover. */
  readonly state: OktaState;
  addUser(input: { email: string; login?: string; status: OktaUserStatus; firstName?: string; lastName?: string }): string;
  addGroup(name: string, options?: { type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN'; description?: string }): string;
  /** Adds a member to the group with this exact name (or id, to reach one of several same-named groups). */
  addMember(groupName: string, email: string): void;
  removeMember(groupName: string, email: string): void;
  setStatus(email: string, status: OktaUserStatus): void;
  /** Registers an OAuth 2.0 service app (private_key_jwt) with its public key and granted scopes. */
  addServiceApp(app: Parameters<OktaOAuth['addServiceApp']>[0]): void;
  /** Invalidates every issued access token. */
  revokeAccessTokens(): void;
  /** The next `count` requests get 429 E0000047 with `X-Rate-Limit-Reset` this many seconds ahead. */
  rateLimitNext(count: number, resetInSeconds: number): void;
  /** The next `count` requests fail as given. */
  failNext(count: number, failure: OktaFailure): void;
  /** Drops every injected failure not yet used. */
  clearFaults(): void;
  /** Forgets the request log. */
  clearRequests(): void;
  close(): Promise<void>;
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const RATE_LIMIT = 600;

function authScheme(header: string | undefined): OktaLoggedRequest['auth'] {
  if (!header) return 'none';
  if (header.startsWith('SSWS ')) return 'SSWS';
  if (header.startsWith('Bearer ')) return 'Bearer';
  return 'other';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the stand-in. `pageLimitMax` caps `limit` for users and group members (Okta: 200). */
export async function startOktaWireServer(options: { token?: string; pageLimitMax?: number } = {}): Promise<OktaWireServer> {
  const token = options.token ?? `00${Array.from(randomBytes(40), (b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('')}`;
  const pageLimitMax = options.pageLimitMax ?? 200;
  const state = new OktaState();
  const requests: OktaLoggedRequest[] = [];
  const faults: { count: number; failure: OktaFailure | { rateLimitResetAt: number } }[] = [];
  let orgUrl = '';
  const usage = { windowReset: 0, count: 0 };
  const oauth = new OktaOAuth(() => `${orgUrl}/oauth2/v1/token`);

  function authorize(req: IncomingMessage, path: string): Reply | undefined {
    const header = req.headers.authorization ?? '';
    if (header === `SSWS ${token}`) return undefined;
    if (header.startsWith('Bearer ')) {
      const scopes = oauth.scopesOf(header.slice('Bearer '.length));
      if (!scopes) {
        const reply = oktaError(401, 'E0000011', 'Invalid token provided');
        return { ...reply, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The token is not valid."' } };
      }
      const needed = requiredScope(path);
      if (needed && !scopes.has(needed)) {
        const reply = oktaError(403, 'E0000006', 'You do not have permission to perform the requested action');
        const challenge = `Bearer error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="${needed}"`;
        return { ...reply, headers: { 'WWW-Authenticate': challenge } };
      }
      return undefined;
    }
    return oktaError(401, 'E0000011', 'Invalid token provided');
  }

  function takeFault(): OktaFailure | { rateLimitResetAt: number } | undefined {
    const next = faults[0];
    if (!next) return undefined;
    next.count -= 1;
    if (next.count <= 0) faults.shift();
    return next.failure;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', orgUrl);
    const entry: OktaLoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: authScheme(req.headers.authorization),
      status: 0,
      at: Date.now(),
    };
    requests.push(entry);
    const body = await readBody(req);
    // Okta counts requests in one-minute windows; the headers report the current window.
    const windowReset = Math.ceil((Date.now() + 1) / 60_000) * 60;
    if (usage.windowReset !== windowReset) Object.assign(usage, { windowReset, count: 0 });
    usage.count += 1;
    let reply: Reply;
    const fault = takeFault();
    if (fault === 'drop') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      // Never answers; close() ends the connection.
      entry.status = -1;
      return;
    }
    if (fault && 'rateLimitResetAt' in fault) {
      reply = oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      reply.headers = { 'X-Rate-Limit-Limit': String(RATE_LIMIT), 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(fault.rateLimitResetAt) };
    } else if (fault) {
      reply = oktaError(fault.status, fault.errorCode ?? 'E0000009', fault.errorSummary ?? 'Internal Server Error');
    } else if (url.pathname === '/oauth2/v1/token') {
      reply = req.method === 'POST' ? oauth.token(new URLSearchParams(body)) : oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    } else {
      reply = authorize(req, url.pathname) ?? routeApi({ method: entry.method, path: url.pathname, query: url.searchParams, orgUrl, state, pageLimitMax });
    }
    entry.status = reply.status;
    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json',
      'X-Okta-Request-Id': randomBytes(12).toString('base64url'),
      'X-Rate-Limit-Limit': String(RATE_LIMIT),
      'X-Rate-Limit-Remaining': String(Math.max(0, RATE_LIMIT - usage.count)),
      'X-Rate-Limit-Reset': String(windowReset),
      ...reply.headers,
    };
    res.writeHead(reply.status, headers);
    res.end(JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const reply = oktaError(500, 'E0000009', `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    orgUrl,
    token,
    requests,
    state,
    addUser: (input) => state.addUser(input),
    addGroup: (name, groupOptions) => state.addGroup(name, groupOptions),
    addMember: (groupName, email) => state.addMember(groupName, email),
    removeMember: (groupName, email) => state.removeMember(groupName, email),
    setStatus: (email, status) => state.setStatus(email, status),
    addServiceApp: (app) => oauth.addServiceApp(app),
    revokeAccessTokens: () => oauth.revokeAllTokens(),
    rateLimitNext(count, resetInSeconds) {
      faults.push({ count, failure: { rateLimitResetAt: Math.ceil(Date.now() / 1000) + resetInSeconds } });
    },
    failNext(count, failure) {
      faults.push({ count, failure });
    },
    clearFaults() {
      faults.length = 0;
    },
    clearRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
