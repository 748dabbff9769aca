import type { Hono } from 'hono';
import * as oauth from 'oauth4webapi';
import type { AppContext } from '../../app/app-context.js';
import { isJitError, ValidationError } from '../../core/errors.js';
import { endSession, startSession } from '../../core/use-cases/credentials.js';
import { checkSignIn } from '../../core/use-cases/sign-in.js';
import type { SignInProvider } from '../auth/provider-flow.js';
import { safeNext } from '../auth/safe-redirect.js';
import { clearSessionCookie, readFlowCookie, writeFlowCookie, writeSessionCookie } from '../auth/session-cookies.js';
import { signInPage } from '../pages/signin-page.js';
import type { ConsoleSettings } from './console-settings.js';
import type { ConsoleEnv } from './hono-env.js';
import { errorBody, httpStatusOf } from './http-errors.js';
import { pageContext } from './page-context.js';

/**
 * Sign-in and sign-out: `/signin` lists the providers; `/auth/<provider>/start` begins the authorization code
 * flow (state, PKCE verifier and nonce kept in a signed, short-lived cookie); `/auth/<provider>/callback` checks
 * the answer, turns it into a person with the same checks as the tools, starts a session and goes on to a
 * path on this console (never elsewhere); `POST /auth/signout` ends the session.
 */
export function mountSignIn(app: Hono<ConsoleEnv>, ctx: AppContext, settings: ConsoleSettings, providers: SignInProvider[]): void {
  const find = (id: string) => providers.find((p) => p.id === id);
  const redirectUri = (p: SignInProvider) => new URL(`/auth/${p.id}/callback`, settings.baseUrl).toString();
  const list = providers.map((p) => ({ id: p.id, label: p.label }));

  app.get('/signin', (c) => {
    const next = safeNext(c.req.query('next'), settings.baseUrl);
    if (c.get('session')) return c.redirect(next, 303);
    return c.html(signInPage(pageContext(c, settings), list, next).text);
  });

  app.get('/auth/:provider/start', async (c) => {
    const provider = find(c.req.param('provider'));
    if (!provider) throw new ValidationError('signin.unknown_provider', `There is no sign-in with "${c.req.param('provider').slice(0, 30)}" here.`);
    const flow = {
      provider: provider.id,
      state: oauth.generateRandomState(),
      verifier: oauth.generateRandomCodeVerifier(),
      ...(provider.id === 'github' ? {} : { nonce: oauth.generateRandomNonce() }),
      next: safeNext(c.req.query('next'), settings.baseUrl),
      at: ctx.clock.now(),
    };
    const url = await provider.authorizationUrl(flow, redirectUri(provider));
    await writeFlowCookie(c, settings, flow);
    return c.redirect(url.toString(), 302);
  });

  app.get('/auth/:provider/callback', async (c) => {
    const provider = find(c.req.param('provider'));
    const flow = await readFlowCookie(c, settings, ctx.clock.now());
    try {
      if (!provider || !flow || flow.provider !== provider.id) {
        throw new ValidationError('signin.no_flow', 'This sign-in did not start here or took longer than ten minutes. Start again from the sign-in page.');
      }
      const identity = await provider.complete(new URL(c.req.url), flow, redirectUri(provider));
      const email = await checkSignIn({ directory: ctx.directory() }, identity);
      const { secret } = await startSession({ store: ctx.store(), clock: ctx.clock }, { owner: email, provider: provider.id, absoluteMs: settings.absoluteMs });
      await writeSessionCookie(c, settings, secret);
      return c.redirect(flow.next, 303);
    } catch (err) {
      if (!isJitError(err)) throw err;
      ctx.log.warn('sign-in refused', { provider: provider?.id, code: err.code, detail: err.detail });
      const body = errorBody(err, ctx.log);
      return c.html(signInPage(pageContext(c, settings), list, flow?.next ?? '/', body.message).text, httpStatusOf(err) as 400);
    }
  });

  app.post('/auth/signout', async (c) => {
    const session = c.get('session');
    if (session) await endSession({ store: ctx.store(), clock: ctx.clock }, session);
    clearSessionCookie(c, settings);
    return c.redirect('/signin', 303);
  });
}
