import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { StoredCredential } from '../../core/ports.js';
import type { ConsoleSettings } from '../server/console-settings.js';
import type { ConsoleEnv } from '../server/hono-env.js';
import type { FlowState } from './provider-flow.js';

const SESSION = 'kjit_session';
const FLOW = 'kjit_signin';
/** A sign-in must come back from the provider within this long. */
export const FLOW_MAX_MS = 10 * 60_000;

// Lax, not Strict: the provider's redirect back to the callback is a cross-site navigation, and the page after
// it must see the session. Every state-changing request is checked for CSRF separately (Origin and a token).
const base = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' } as const;

/** The session cookie's value (the session's secret), when its signature is valid. */
export async function readSessionCookie(c: Context<ConsoleEnv>, settings: ConsoleSettings): Promise<string | undefined> {
  const value = await getSignedCookie(c, settings.cookieSecret, settings.cookiePrefix + SESSION);
  return typeof value === 'string' && value ? value : undefined;
}

/** Sets the signed session cookie; it lasts no longer than the session's absolute timeout. */
export async function writeSessionCookie(c: Context<ConsoleEnv>, settings: ConsoleSettings, secret: string): Promise<void> {
  await setSignedCookie(c, settings.cookiePrefix + SESSION, secret, settings.cookieSecret, { ...base, maxAge: Math.floor(settings.absoluteMs / 1000) });
}

/** Removes the session cookie (sign-out, or a session that no longer authenticates). */
export function clearSessionCookie(c: Context<ConsoleEnv>, settings: ConsoleSettings): void {
  deleteCookie(c, settings.cookiePrefix + SESSION, base);
}

/** Remembers a sign-in in progress in a signed cookie, for the provider's redirect back. */
export async function writeFlowCookie(c: Context<ConsoleEnv>, settings: ConsoleSettings, flow: FlowState): Promise<void> {
  const value = Buffer.from(JSON.stringify(flow)).toString('base64url');
  await setSignedCookie(c, settings.cookiePrefix + FLOW, value, settings.cookieSecret, { ...base, maxAge: FLOW_MAX_MS / 1000 });
}

/** The sign-in in progress, when its cookie is present, signed by us and not older than ten minutes. */
export async function readFlowCookie(c: Context<ConsoleEnv>, settings: ConsoleSettings, now: number): Promise<FlowState | undefined> {
  const value = await getSignedCookie(c, settings.cookieSecret, settings.cookiePrefix + FLOW);
  deleteCookie(c, settings.cookiePrefix + FLOW, base);
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FlowState;
    return typeof flow.at === 'number' && now - flow.at < FLOW_MAX_MS && now >= flow.at ? flow : undefined;
  } catch {
    return undefined;
  }
}

/** The CSRF token of a session: derived from its id with the cookie secret, so it needs no storage. */
export function csrfToken(settings: ConsoleSettings, session: StoredCredential): string {
  return createHmac('sha256', settings.cookieSecret).update(`csrf:${session.id}`).digest('base64url');
}

/** Whether `given` is the session's CSRF token (compared in constant time). */
export function isCsrfToken(settings: ConsoleSettings, session: StoredCredential, given: string | undefined): boolean {
  const expected = Buffer.from(csrfToken(settings, session));
  const actual = Buffer.from(given ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
