import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppContext } from '../../app/app-context.js';
import { isJitError } from '../../core/errors.js';
import type { View } from '../pages/view.js';
import type { ConsoleSettings } from '../server/console-settings.js';
import type { ConsoleEnv } from '../server/hono-env.js';
import { pageContext } from '../server/page-context.js';
import type { ChangeFeed } from './change-feed.js';

/** A stream ends after this long; the browser's EventSource reconnects, and the session is checked again then. */
const STREAM_MAX_MS = 5 * 60_000;
const HEARTBEAT_MS = 20_000;

/** The hash a live page and its stream compare. */
export const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `GET /events?view=…`: Server-Sent Events for a live page. When the store changes (any process's write), the
 * view is rendered again for this person, with the same rules as the page, and sent only if it changed, so an
 * approver's queue empties and a requester's page turns to granted without a reload. Open streams are
 * tracked so a shutdown can end them.
 */
export function mountEvents(app: Hono<ConsoleEnv>, ctx: AppContext, settings: ConsoleSettings, feed: ChangeFeed, views: ReadonlyMap<string, View>, open: Set<() => void>): void {
  app.get('/events', (c) => {
    const session = c.get('session');
    const view = views.get(c.req.query('view') ?? '');
    if (!session) return c.json({ ok: false, code: 'auth.required', message: 'Sign in to the console to follow a page.' }, 401);
    if (!view) return c.json({ ok: false, code: 'http.unknown_view', message: 'view must be mine, approvals or request.' }, 400);
    const page = pageContext(c, settings);
    // `v` is the hash of the body the page was rendered with: a change between the page and this stream is sent at once.
    const { view: _view, v, ...query } = c.req.query();
    const acting = ctx.actingAs(session.owner);
    return streamSSE(c, async (stream) => {
      let last: string | undefined = v;
      let pending = Promise.resolve();
      const render = async () => {
        try {
          const { body } = await view.render({ ctx: acting, page, query, settings });
          const hash = digest(body.text);
          if (last !== undefined && hash !== last) await stream.writeSSE({ event: 'update', data: JSON.stringify({ html: body.text }) });
          last = hash;
        } catch (err) {
          // A request this person may no longer see, or one that is gone: say nothing more about it.
          if (!isJitError(err)) ctx.log.error('live view failed', { view: view.name, error: String(err) });
          await stream.close();
        }
      };
      // Changes are rendered one at a time, in order; a burst while rendering costs one more render.
      const unsubscribe = feed.subscribe(() => {
        pending = pending.then(render);
      });
      let ended = false;
      const end = () => {
        ended = true;
      };
      open.add(end);
      stream.onAbort(end);
      await render();
      const stopAt = Date.now() + STREAM_MAX_MS;
      let beat = Date.now();
      try {
        while (!ended && !stream.aborted && Date.now() < stopAt) {
          await stream.sleep(250);
          if (Date.now() - beat >= HEARTBEAT_MS) {
            beat = Date.now();
            await stream.write(': keep-alive\n\n');
          }
        }
      } finally {
        unsubscribe();
        open.delete(end);
        await pending;
        await stream.close();
      }
    });
  });
}
