/**
 * A local GitHub OAuth app stand-in, for the console's tests. It is NOT GitHub. It speaks the web application
 * flow as GitHub's docs describe it: `GET /login/oauth/authorize` (here a login form), `POST
 * /login/oauth/access_token` (JSON when asked with `Accept: application/json`; failures are HTTP 200 with an
 * `error` field, as GitHub answers them; PKCE checked when a challenge was sent), and the REST call the
 * console makes, `GET /user/emails` (needs the `user:email` scope). Node's standard library only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCredentials, loginForm, pkceMatches, randomToken, readBody, send, type PendingCode } from './oauth-login.js';

/** A GitHub account and its email addresses, as `/user/emails` lists them. */
export interface GithubAccount {
  login: string;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

/** A running stand-in: the web and API addresses are the same origin here. */
export interface GithubOauthServer {
  readonly url: string;
  allowRedirect(uri: string): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 and a free port. */
export async function startGithubOauthServer(options: { clientId: string; clientSecret: string; accounts: GithubAccount[] }): Promise<GithubOauthServer> {
  const redirects = new Set<string>();
  const codes = new Map<string, PendingCode & { scope: string }>();
  const tokens = new Map<string, { login: string; scope: string }>();
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/login/oauth/authorize') {
        const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
        const redirectUri = params.get('redirect_uri') ?? '';
        if (params.get('client_id') !== options.clientId || !redirects.has(redirectUri)) return send(res, 400, '<p>The redirect_uri MUST match the registered callback URL for this application (stand-in).</p>', 'text/html');
        const carried = Object.fromEntries(['client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'].map((k) => [k, params.get(k) ?? '']));
        if (req.method === 'GET') return send(res, 200, loginForm('Sign in to GitHub (stand-in)', '/login/oauth/authorize', carried), 'text/html');
        const account = options.accounts.find((a) => a.emails.some((e) => e.email.toLowerCase() === (params.get('login') ?? '').trim().toLowerCase()) || a.login === params.get('login'));
        if (!account) return send(res, 200, loginForm('Sign in to GitHub (stand-in)', '/login/oauth/authorize', carried, 'Incorrect username or password.'), 'text/html');
        const code = randomToken(10);
        codes.set(code, { clientId: options.clientId, redirectUri, codeChallenge: params.get('code_challenge') || undefined, user: account.login, expiresAt: Date.now() + 600_000, used: false, scope: params.get('scope') ?? '' });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        if (params.get('state')) back.searchParams.set('state', params.get('state')!);
        return send(res, 302, '', 'text/plain', { location: back.toString() });
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await readBody(req));
        const client = clientCredentials(req, form);
        const answer = (body: Record<string, string>) => send(res, 200, JSON.stringify(body));
        if (client.id !== options.clientId || client.secret !== options.clientSecret) return answer({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
        const pending = codes.get(form.get('code') ?? '');
        if (!pending || pending.used || pending.expiresAt < Date.now() || pending.redirectUri !== form.get('redirect_uri')) {
          return answer({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
        }
        pending.used = true;
        if (!pkceMatches(form.get('code_verifier'), pending.codeChallenge)) return answer({ error: 'bad_verification_code', error_description: 'The code_verifier does not match the code_challenge.' });
        const token = `gho_${randomToken(18)}`;
        tokens.set(token, { login: pending.user, scope: pending.scope });
        return answer({ access_token: token, token_type: 'bearer', scope: pending.scope });
      }
      if (req.method === 'GET' && url.pathname === '/user/emails') {
        const token = tokens.get(/^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
        if (!token) return send(res, 401, JSON.stringify({ message: 'Requires authentication' }));
        if (!token.scope.split(/[ ,]+/).includes('user:email')) return send(res, 404, JSON.stringify({ message: 'Not Found' }));
        const account = options.accounts.find((a) => a.login === token.login)!;
        return send(res, 200, JSON.stringify(account.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null }))));
      }
      return send(res, 404, JSON.stringify({ message: 'Not Found' }));
    })().catch((err: unknown) => send(res, 500, JSON.stringify({ message: String(err) })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, allowRedirect: (uri) => redirects.add(uri), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
