import type { Context } from 'hono';
import { csrfToken } from '../auth/session-cookies.js';
import type { PageContext } from '../pages/layout.js';
import type { ConsoleSettings } from './console-settings.js';
import type { ConsoleEnv } from './hono-env.js';

/** Who is looking at a page, from the request's session (pages are for sessions, never API tokens). */
export function pageContext(c: Context<ConsoleEnv>, settings: ConsoleSettings, current?: PageContext['current']): PageContext {
  const session = c.get('session');
  const nonce = c.get('secureHeadersNonce') ?? '';
  if (!session) return { nonce };
  return { email: session.owner, csrf: csrfToken(settings, session), nonce, ...(current ? { current } : {}) };
}

/** The signed-in person's email, or undefined when the page must send them to sign in. */
export function sessionEmail(c: Context<ConsoleEnv>): string | undefined {
  return c.get('session')?.owner;
}

/** A redirect to the sign-in page that comes back here afterwards. */
export function toSignIn(c: Context<ConsoleEnv>) {
  const url = new URL(c.req.url);
  const next = `${url.pathname}${url.search}`;
  return c.redirect(next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`, 303);
}
