import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../../app/app-context.js';
import { PermissionError } from '../../core/errors.js';
import { authenticateCredential } from '../../core/use-cases/credentials.js';
import { clearSessionCookie, isCsrfToken, readSessionCookie } from '../auth/session-cookies.js';
import type { ConsoleSettings } from './console-settings.js';
import type { ConsoleEnv } from './hono-env.js';
import { AuthenticationError } from './http-errors.js';

/** How long a person found ACTIVE in the directory is not asked about again. */
const ACTIVE_RECHECK_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds who a request acts as: an API token (`Authorization: Bearer kjit_…`) or the signed session cookie.
 * A token that does not authenticate is an error (the client asked to be someone); a session cookie that does
 * not is dropped, and the person is simply signed out. Either way the person must still be ACTIVE in the
 * directory (asked at most once a minute per credential), so deactivating someone ends their console and API access.
 */
export function resolveCaller(app: AppContext, settings: ConsoleSettings): MiddlewareHandler<ConsoleEnv> {
  const checked = new Map<string, number>();
  const stillActive = async (credentialId: string, email: string) => {
    const now = app.clock.now();
    if ((checked.get(credentialId) ?? -Infinity) > now - ACTIVE_RECHECK_MS) return true;
    const person = await app.directory().findPerson(email);
    if (!person?.active) return false;
    if (checked.size > 10_000) checked.clear();
    checked.set(credentialId, now);
    return true;
  };
  return async (c, next) => {
    const deps = { store: app.store(), clock: app.clock };
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer +([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
      const token = match ? await authenticateCredential(deps, { secret: match[1], kind: 'token' }) : undefined;
      if (!token) {
        throw new AuthenticationError('auth.invalid_token', 'The API token is not valid: it is unknown, revoked or expired. Create a new one on the console\'s Tokens page.');
      }
      if (!(await stillActive(token.id, token.owner))) {
        throw new PermissionError('auth.not_active', `${token.owner} is no longer active in the directory, so their tokens no longer work.`);
      }
      c.set('caller', { email: token.owner, via: 'token', expiresAt: token.expiresAt });
      return next();
    }
    const secret = await readSessionCookie(c, settings);
    if (secret !== undefined) {
      const session = await authenticateCredential(deps, { secret, kind: 'session', idleMs: settings.idleMs });
      if (session && (await stillActive(session.id, session.owner))) {
        c.set('caller', { email: session.owner, via: 'session', expiresAt: session.expiresAt });
        c.set('session', session);
      } else {
        clearSessionCookie(c, settings);
      }
    }
    return next();
  };
}

/**
 * CSRF protection for every state-changing request made with the session cookie (a bearer token is never sent
 * by a browser on its own, so token calls need none): the Origin must be the console's own, and the request
 * must carry the session's CSRF token (form field `_csrf` or header `X-CSRF-Token`). SameSite=Lax on the
 * cookie is a third layer, not relied on alone.
 */
export function csrfProtection(settings: ConsoleSettings): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.get('caller')?.via === 'token') return next();
    const origin = c.req.header('origin');
    const fetchSite = c.req.header('sec-fetch-site');
    if ((origin !== undefined && origin !== settings.origin) || (origin === undefined && fetchSite !== undefined && fetchSite !== 'same-origin')) {
      throw new PermissionError('auth.cross_site', 'This request came from another site, so it was refused. Use the console itself.');
    }
    const session = c.get('session');
    if (session && !isCsrfToken(settings, session, await csrfFrom(c))) {
      throw new PermissionError('auth.csrf', 'This form is out of date or did not come from the console (its CSRF token is missing or wrong). Reload the page and try again.');
    }
    return next();
  };
}

async function csrfFrom(c: Context<ConsoleEnv>): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const form = await c.req.parseBody();
  return typeof form._csrf === 'string' ? form._csrf : undefined;
}

/** The caller, or a 401 telling how to authenticate. */
export function requireCaller(c: Context<ConsoleEnv>) {
  const caller = c.get('caller');
  if (!caller) throw new AuthenticationError('auth.required', 'Sign in to the console, or send a personal API token as "Authorization: Bearer <token>".');
  return caller;
}
