import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { AppContext } from '../../app/app-context.js';
import type { ApiRoute } from '../api/api-route.js';
import { API_ROUTES } from '../api/api-routes.js';
import { mountApi } from '../api/mount-api.js';
import { publicRoutes } from '../api/public-routes.js';
import { consoleScript, consoleStyles, type Asset } from '../assets/assets.js';
import { GithubSignInProvider } from '../auth/github-provider.js';
import { OidcSignInProvider } from '../auth/oidc-provider.js';
import type { SignInProvider } from '../auth/provider-flow.js';
import { watchStore } from '../live/change-feed.js';
import { mountEvents } from '../live/events-route.js';
import { errorPage } from '../pages/layout.js';
import { csrfProtection, resolveCaller } from './auth-middleware.js';
import type { ConsoleSettings } from './console-settings.js';
import type { ConsoleEnv } from './hono-env.js';
import { errorBody, httpStatusOf, PayloadTooLargeError } from './http-errors.js';
import { pageContext, toSignIn } from './page-context.js';
import { LIVE_VIEWS, mountPages } from './page-routes.js';
import { mountSignIn } from './sign-in-routes.js';

/** The console as a Hono app, and what must be closed on shutdown (the store watch, open event streams). */
export interface Console {
  app: Hono<ConsoleEnv>;
  /** Ends every open event stream (their connections then close) and stops watching the store. */
  close(): Promise<void>;
}

/** Writes one JSON line per request (no query strings: a sign-in callback carries a code). */
export type AccessLog = (entry: Record<string, unknown>) => void;

const isApi = (path: string) => path.startsWith('/api/') || path === '/healthz' || path === '/readyz' || path === '/events';

/**
 * Builds the web console and HTTP API over the same AppContext the tools use. It adds routes, views and the
 * HTTP rules (authentication, CSRF, security headers); every access rule is a use case's.
 */
export async function createConsole(ctx: AppContext, settings: ConsoleSettings, accessLog: AccessLog): Promise<Console> {
  const app = new Hono<ConsoleEnv>();
  const providers: SignInProvider[] = settings.providers.map((p) => (p.id === 'github' ? new GithubSignInProvider(p) : new OidcSignInProvider(p)));
  const feed = await watchStore(ctx);
  const streams = new Set<() => void>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('requestId', randomUUID());
    await next();
    accessLog({ at: new Date().toISOString(), level: 'info', message: 'http', request_id: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), via: c.get('caller')?.via });
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: settings.baseUrl.protocol === 'https:' ? 'max-age=31536000; includeSubDomains' : false,
      referrerPolicy: 'same-origin',
      crossOriginOpenerPolicy: 'same-origin',
    }),
  );
  app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new PayloadTooLargeError('The request body is larger than 64 KB.'); } }));
  app.use('*', resolveCaller(ctx, settings));
  app.use('*', csrfProtection(settings));

  for (const asset of [consoleStyles, consoleScript()] as Asset[]) {
    app.get(asset.path, (c) => c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' }));
  }
  const routes: ApiRoute[] = [...publicRoutes(() => routes), ...API_ROUTES];
  mountApi(app, routes, ctx, settings);
  mountEvents(app, ctx, settings, feed, LIVE_VIEWS, streams);
  mountSignIn(app, ctx, settings, providers);
  mountPages(app, ctx, settings);

  app.notFound((c) => {
    const body = { ok: false, code: 'http.not_found', message: `There is nothing at ${c.req.method} ${c.req.path.slice(0, 100)}. The API is described at /api/v1/openapi.json.` };
    return isApi(c.req.path) ? c.json(body, 404) : c.html(errorPage(pageContext(c, settings), body.code, 'There is no such page.').text, 404);
  });
  app.onError((err, c) => {
    const status = httpStatusOf(err);
    const body = errorBody(err, ctx.log);
    if (isApi(c.req.path)) return c.json(body, status);
    if (status === 401) return toSignIn(c);
    return c.html(errorPage(pageContext(c, settings), body.code, body.message).text, status);
  });

  return {
    app,
    async close() {
      for (const end of streams) end();
      await feed.close();
    },
  };
}
