/**
 * A local OpenID Connect provider stand-in (Google- or Microsoft-like), for the console's tests and screenshots.
 * It is NOT a real identity provider. It speaks the protocol as OpenID Connect Core and Discovery and RFC 7636
 * describe it: a discovery document, an authorization endpoint showing a login form (the person types an
 * email), a token endpoint (client_secret_post or basic; code single-use, redirect_uri and the PKCE verifier
 * checked), RS256 id_tokens signed with a key published at the JWKS endpoint, and a userinfo endpoint.
 * Test knobs make it misbehave the ways a provider or an attacker could. Node's standard library only.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCredentials, loginForm, pkceMatches, randomToken, readBody, send, type PendingCode } from './oauth-login.js';

/** A person the stand-in knows. */
export interface OidcUser {
  email: string;
  emailVerified?: boolean;
  name?: string;
  /** Extra claims (Microsoft's `tid`, `xms_edov`). */
  claims?: Record<string, unknown>;
}

/** Options for {@link startOidcServer}. */
export interface OidcServerOptions {
  clientId: string;
  clientSecret: string;
  /** Redirect URIs registered for the client (exact match); set later with {@link OidcServer.allowRedirect}. */
  redirectUris?: string[];
  users: OidcUser[];
  /** A path after the origin, e.g. `/tenant-id/v2.0` as Microsoft's issuers have. */
  issuerPath?: string;
  title?: string;
}

/** What a test can make the stand-in do wrong on the next token response. */
export type OidcMisbehaviour = 'sign_with_other_key' | 'wrong_audience' | 'wrong_nonce' | undefined;

/** A running stand-in. */
export interface OidcServer {
  readonly issuer: string;
  allowRedirect(uri: string): void;
  /** Applies to the next token response only. */
  misbehave(next: OidcMisbehaviour): void;
  /** Codes issued so far (tests replay them). */
  readonly issuedCodes: string[];
  close(): Promise<void>;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function jwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

/** Starts the stand-in on 127.0.0.1 and a free port. */
export async function startOidcServer(options: OidcServerOptions): Promise<OidcServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const kid = randomToken(6);
  const redirects = new Set(options.redirectUris ?? []);
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, Record<string, unknown>>();
  const issuedCodes: string[] = [];
  let misbehaviour: OidcMisbehaviour;
  let issuer = '';
  const path = options.issuerPath ?? '';

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      const route = url.pathname.startsWith(path) ? url.pathname.slice(path.length) : url.pathname;
      if (req.method === 'GET' && route === '/.well-known/openid-configuration') {
        return send(res, 200, JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          userinfo_endpoint: `${issuer}/userinfo`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          scopes_supported: ['openid', 'email', 'profile'],
        }));
      }
      if (req.method === 'GET' && route === '/jwks') return send(res, 200, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }));
      if (route === '/authorize') {
        const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
        const clientId = params.get('client_id');
        const redirectUri = params.get('redirect_uri') ?? '';
        // Like a real provider, an unknown client or redirect URI is an error page, never a redirect.
        if (clientId !== options.clientId || !redirects.has(redirectUri)) return send(res, 400, '<p>Unknown client or redirect_uri (stand-in).</p>', 'text/html');
        const carried = Object.fromEntries(['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'].map((k) => [k, params.get(k) ?? '']));
        const title = options.title ?? 'Sign in to the test provider';
        if (req.method === 'GET') return send(res, 200, loginForm(title, `${path}/authorize`, carried), 'text/html');
        const user = options.users.find((u) => u.email.toLowerCase() === (params.get('login') ?? '').trim().toLowerCase());
        if (!user) return send(res, 200, loginForm(title, `${path}/authorize`, carried, 'No such account.'), 'text/html');
        const code = randomToken();
        codes.set(code, { clientId, redirectUri, codeChallenge: params.get('code_challenge') || undefined, nonce: params.get('nonce') || undefined, user: user.email, expiresAt: Date.now() + 60_000, used: false });
        issuedCodes.push(code);
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        if (params.get('state')) back.searchParams.set('state', params.get('state')!);
        back.searchParams.set('iss', issuer);
        return send(res, 302, '', 'text/plain', { location: back.toString() });
      }
      if (req.method === 'POST' && route === '/token') {
        const form = new URLSearchParams(await readBody(req));
        const client = clientCredentials(req, form);
        if (client.id !== options.clientId || client.secret !== options.clientSecret) return send(res, 401, JSON.stringify({ error: 'invalid_client' }));
        const pending = codes.get(form.get('code') ?? '');
        const grantError = (description: string) => send(res, 400, JSON.stringify({ error: 'invalid_grant', error_description: description }));
        if (form.get('grant_type') !== 'authorization_code') return send(res, 400, JSON.stringify({ error: 'unsupported_grant_type' }));
        if (!pending || pending.used || pending.expiresAt < Date.now()) return grantError('unknown, used or expired code');
        pending.used = true;
        if (pending.redirectUri !== form.get('redirect_uri')) return grantError('redirect_uri mismatch');
        if (!pkceMatches(form.get('code_verifier'), pending.codeChallenge)) return grantError('PKCE verification failed');
        const user = options.users.find((u) => u.email === pending.user)!;
        const now = Math.floor(Date.now() / 1000);
        const bad = misbehaviour;
        misbehaviour = undefined;
        const claims = {
          iss: issuer,
          sub: `sub-${Buffer.from(user.email).toString('hex').slice(0, 16)}`,
          aud: bad === 'wrong_audience' ? 'someone-else' : options.clientId,
          iat: now,
          exp: now + 600,
          ...(pending.nonce ? { nonce: bad === 'wrong_nonce' ? 'not-the-nonce' : pending.nonce } : {}),
          email: user.email,
          email_verified: user.emailVerified ?? true,
          name: user.name ?? user.email,
          ...user.claims,
        };
        const accessToken = randomToken();
        accessTokens.set(accessToken, { sub: claims.sub, email: claims.email, email_verified: claims.email_verified, name: claims.name });
        return send(res, 200, JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 600, scope: 'openid email profile', id_token: jwt(claims, bad === 'sign_with_other_key' ? other : privateKey, kid) }));
      }
      if (req.method === 'GET' && route === '/userinfo') {
        const claims = accessTokens.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
        if (!claims) return send(res, 401, JSON.stringify({ error: 'invalid_token' }), 'application/json', { 'www-authenticate': 'Bearer error="invalid_token"' });
        return send(res, 200, JSON.stringify(claims));
      }
      return send(res, 404, JSON.stringify({ error: 'not_found' }));
    })().catch((err: unknown) => send(res, 500, JSON.stringify({ error: 'server_error', error_description: String(err) })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    get issuer() {
      return issuer;
    },
    allowRedirect: (uri) => redirects.add(uri),
    misbehave: (next) => (misbehaviour = next),
    issuedCodes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
