import type { Context, Hono } from 'hono';
import type { AppContext } from '../../app/app-context.js';
import { isJitError } from '../../core/errors.js';
import { createApiToken, revokeApiToken } from '../../core/use-cases/credentials.js';
import type { ToolArgs } from '../../handlers/handler.js';
import { safeNext } from '../auth/safe-redirect.js';
import { digest } from '../live/events-route.js';
import { approvalsView, myRequestsView } from '../pages/list-views.js';
import { analyticsView } from '../pages/analytics-view.js';
import { auditView } from '../pages/audit-view.js';
import { layout } from '../pages/layout.js';
import { formParams, requestFormPage } from '../pages/request-form-view.js';
import { requestView } from '../pages/request-view.js';
import { tokensView } from '../pages/tokens-view.js';
import { toolJson, type View } from '../pages/view.js';
import type { ConsoleSettings } from './console-settings.js';
import type { ConsoleEnv } from './hono-env.js';
import { httpStatusOf } from './http-errors.js';
import { pageContext, sessionEmail, toSignIn } from './page-context.js';

/** The live views, by the name the events stream is asked for. */
export const LIVE_VIEWS: ReadonlyMap<string, View> = new Map([myRequestsView, approvalsView, requestView].map((v) => [v.name, v]));

type Current = 'request' | 'mine' | 'approvals' | 'audit' | 'analytics' | 'tokens';

/**
 * The console's pages (server-rendered; the one script only adds live updates and the approvers preview) and
 * the form posts behind their buttons. Every action runs the tool's handler as the signed-in person, so the
 * rules (self-approval, eligibility, TTL caps, who may revoke or cancel) are the tools' own.
 */
export function mountPages(app: Hono<ConsoleEnv>, ctx: AppContext, settings: ConsoleSettings): void {
  const show = async (c: Context<ConsoleEnv>, view: View, current: Current | undefined, options: { live?: boolean; status?: number; query?: Record<string, string> } = {}) => {
    const email = sessionEmail(c);
    if (!email) return toSignIn(c);
    const page = pageContext(c, settings, current);
    const query = options.query ?? c.req.query();
    const { title, body } = await view.render({ ctx: ctx.actingAs(email), page, query, settings });
    const liveUrl = options.live ? `/events?${new URLSearchParams({ ...query, view: view.name, v: digest(body.text) }).toString()}` : undefined;
    c.header('cache-control', 'no-store');
    return c.html(layout(page, title, body, liveUrl).text, (options.status ?? 200) as 200);
  };

  app.get('/', (c) => (sessionEmail(c) ? c.redirect('/requests/mine', 303) : toSignIn(c)));
  app.get('/requests/mine', (c) => show(c, myRequestsView, 'mine', { live: true }));
  app.get('/approvals', (c) => show(c, approvalsView, 'approvals', { live: true }));
  app.get('/requests/:id', (c) => show(c, requestView, undefined, { live: true, query: { id: c.req.param('id') } }));
  app.get('/request', (c) => show(c, requestFormPage(), 'request'));
  app.get('/audit', (c) => show(c, auditView, 'audit'));
  app.get('/analytics', (c) => show(c, analyticsView, 'analytics'));
  app.get('/tokens', (c) => show(c, tokensView(), 'tokens'));

  const form = async (c: Context<ConsoleEnv>): Promise<Record<string, string>> => {
    const body = await c.req.parseBody();
    return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
  };

  app.post('/request', async (c) => {
    const email = sessionEmail(c);
    if (!email) return toSignIn(c);
    const values = await form(c);
    const acting = ctx.actingAs(email);
    const entry = (await ctx.deps()).catalog.get(values.tool_name ?? '');
    try {
      const json = await toolJson(acting, 'request_tool_access', {
        tool_name: values.tool_name,
        tool_params: formParams(entry, values),
        ttl: values.ttl?.trim() || undefined,
        justification: values.justification,
      });
      return c.redirect(`/requests/${encodeURIComponent(String(json.request_id))}`, 303);
    } catch (err) {
      if (!isJitError(err)) throw err;
      return show(c, requestFormPage({ message: err.message, values }), 'request', { status: httpStatusOf(err), query: { tool: values.tool_name ?? '' } });
    }
  });

  const act = (tool: string, args: (values: Record<string, string>, id: string) => ToolArgs) =>
    app.post(`/requests/:id/${tool}`, async (c) => {
      const email = sessionEmail(c);
      if (!email) return toSignIn(c);
      const values = await form(c);
      const id = c.req.param('id');
      const toolName = { approve: 'approve_tool_access_request', reject: 'approve_tool_access_request', revoke: 'revoke_access', cancel: 'cancel_access_request' }[tool]!;
      await toolJson(ctx.actingAs(email), toolName, args(values, id));
      return c.redirect(safeNext(values.next ?? `/requests/${encodeURIComponent(id)}`, settings.baseUrl), 303);
    });
  act('approve', (v, id) => ({ request_id: id, approval_action: 'approve', ttl: v.ttl?.trim() || undefined }));
  act('reject', (v, id) => ({ request_id: id, approval_action: 'reject', reason: v.reason?.trim() || undefined }));
  act('revoke', (v, id) => ({ request_id: id, reason: v.reason?.trim() || 'ended in the console' }));
  act('cancel', (v, id) => ({ request_id: id, reason: v.reason?.trim() || undefined }));

  app.post('/tokens', async (c) => {
    const email = sessionEmail(c);
    if (!email) return toSignIn(c);
    const values = await form(c);
    const issued = await createApiToken({ store: ctx.store(), clock: ctx.clock }, { owner: email, name: values.name, ttl: values.expires_in, maxMs: settings.tokenMaxMs });
    return show(c, tokensView({ secret: issued.secret, name: issued.credential.label, expiresAt: issued.credential.expiresAt }), 'tokens');
  });
  app.post('/tokens/:id/revoke', async (c) => {
    const email = sessionEmail(c);
    if (!email) return toSignIn(c);
    await revokeApiToken({ store: ctx.store(), clock: ctx.clock }, { owner: email, tokenId: c.req.param('id') });
    return c.redirect('/tokens', 303);
  });
}
