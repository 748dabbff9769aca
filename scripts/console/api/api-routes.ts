import { z } from 'zod';
import { opportunisticSweep } from '../../cli/run-tool.js';
import { checkAuditor, exportAudit, searchAudit, verifyAudit } from '../../core/use-cases/audit-log.js';
import { previewApprovers } from '../../core/use-cases/preview-approvers.js';
import { auditJsonLine } from '../../handlers/format.js';
import { STATIC_HANDLERS } from '../../handlers/registry.js';
import type { ApiAnswer, ApiCall, ApiRoute } from './api-route.js';
import * as s from './schemas.js';
import { toolArgsSchema, toolParamsInput } from './tool-input.js';

const requestIdPath = z.object({ request_id: z.string().describe('The access request id, e.g. req_8f2k1xq') });

/**
 * Runs a tool's handler acting as the caller, exactly as `kubiya-jit <tool> --output json` would for them, after
 * the same small sweep of due expiries every tool run makes. A handler that reports a failed outcome (a
 * removal still retrying) answers 202 with `ok: false`.
 */
async function runTool(tool: string, call: ApiCall, successStatus = 200): Promise<ApiAnswer> {
  const handler = STATIC_HANDLERS.get(tool);
  if (!handler) throw new Error(`no handler ${tool}`);
  await opportunisticSweep(call.ctx);
  const result = await handler.run(call.ctx, call.args);
  const ok = (result.exitCode ?? 0) === 0;
  return { status: ok ? successStatus : 202, json: { ok, ...result.json } };
}

/** A listing's query: the tool's own filters and paging (`limit`, `cursor`), from its argument definitions. */
const listQuery = (tool: string) => toolArgsSchema(tool);

/** Every route of the HTTP API under /api/v1, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/api/v1/me',
    operationId: 'whoAmI',
    summary: 'Who the session or token acts as',
    responses: { 200: { description: 'The caller', schema: s.WhoAmISchema } },
    run: async ({ caller }) => ({ status: 200, json: { ok: true, email: caller.email, via: caller.via, expires_at: new Date(caller.expiresAt).toISOString() } }),
  },
  {
    method: 'get',
    path: '/api/v1/catalog',
    operationId: 'listCatalog',
    summary: 'What can be requested: each entry, its TTL limits and its parameter schema',
    responses: { 200: { description: 'The catalog', schema: s.CatalogSchema } },
    run: async ({ ctx }) => {
      const { catalog } = await ctx.deps();
      const entries = catalog.list().map((e) => ({
        name: e.name,
        description: e.description,
        provider: e.provider,
        max_ttl_seconds: e.maxTtlSeconds,
        default_ttl_seconds: e.defaultTtlSeconds,
        params_schema: e.paramsSchema,
      }));
      return { status: 200, json: { ok: true, entries } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/approvers/preview',
    operationId: 'previewApprovers',
    summary: 'Who would approve such a request, and why, without making it',
    sameAs: 'kubiya-jit approvers',
    body: z.object({
      tool_name: z.string().describe('The tool or access entry'),
      tool_params: toolParamsInput.optional(),
      justification: z.string().optional().describe('The justification, which knowledge routing reads'),
    }),
    responses: { 200: { description: 'The approvers, the routing and each approval a request would need', schema: s.ApproversPreviewSchema } },
    run: async ({ ctx, caller, args }) => {
      const { entry, routing, approvers, requirements } = await previewApprovers(await ctx.deps(), {
        toolName: args.tool_name,
        toolParams: args.tool_params,
        justification: args.justification,
        requester: caller.email,
      });
      const needed = requirements.map((r) => ({ requirement: r.label, groups: r.groups, targets: r.targets ?? [], required: r.required, approvers: r.approvers }));
      return { status: 200, json: { ok: true, tool_name: entry.name, approvers, routing, requirements: needed } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/requests',
    operationId: 'requestAccess',
    summary: 'Request access: validated, routed to approvers and posted to them',
    sameAs: 'request_tool_access',
    body: toolArgsSchema('request_tool_access', { optional: ['user_email'], extra: { tool_params: toolParamsInput.optional() } }),
    responses: { 201: { description: 'The request, waiting for approval', schema: s.RequestResultSchema } },
    run: (call) => runTool('request_tool_access', call, 201),
  },
  {
    method: 'get',
    path: '/api/v1/requests',
    operationId: 'listActiveRequests',
    summary: 'Pending and active requests the caller approves or asked for',
    sameAs: 'list_active_access_requests',
    query: listQuery('list_active_access_requests'),
    responses: { 200: { description: 'A page of requests', schema: s.RequestListSchema } },
    run: (call) => runTool('list_active_access_requests', call),
  },
  {
    method: 'get',
    path: '/api/v1/requests/search',
    operationId: 'searchRequests',
    summary: 'Free text and filters over the requests the caller is involved in',
    sameAs: 'search_access_requests',
    query: listQuery('search_access_requests'),
    responses: { 200: { description: 'A page of requests', schema: s.RequestListSchema } },
    run: (call) => runTool('search_access_requests', call),
  },
  {
    method: 'get',
    path: '/api/v1/user-requests',
    operationId: 'viewUserRequests',
    summary: "One person's requests (the caller's by default)",
    sameAs: 'view_user_requests',
    query: listQuery('view_user_requests'),
    responses: { 200: { description: 'A page of requests', schema: s.RequestListSchema } },
    run: (call) => runTool('view_user_requests', call),
  },
  {
    method: 'get',
    path: '/api/v1/requests/{request_id}',
    operationId: 'describeRequest',
    summary: 'One request with its audit trail, for the people involved',
    sameAs: 'describe_access_request',
    pathParams: requestIdPath,
    responses: { 200: { description: 'The request and its history', schema: s.RequestDetailSchema } },
    run: (call) => runTool('describe_access_request', call),
  },
  {
    method: 'post',
    path: '/api/v1/requests/{request_id}/decision',
    operationId: 'decideRequest',
    summary: 'Approve (optionally with a shorter or longer TTL within the maximum) or reject with a reason',
    sameAs: 'approve_tool_access_request',
    pathParams: requestIdPath,
    body: toolArgsSchema('approve_tool_access_request', { skip: ['request_id'] }),
    responses: { 200: { description: 'The decided request (granted, or rejected)', schema: s.RequestResultSchema } },
    run: (call) => runTool('approve_tool_access_request', call),
  },
  {
    method: 'post',
    path: '/api/v1/requests/{request_id}/revoke',
    operationId: 'revokeAccess',
    summary: 'End active access early ("I\'m done", or an approver)',
    sameAs: 'revoke_access',
    pathParams: requestIdPath,
    body: toolArgsSchema('revoke_access', { skip: ['request_id'] }),
    responses: {
      200: { description: 'Revoked', schema: s.RequestResultSchema },
      202: { description: 'Revocation started but the removal failed; it is retried automatically (ok: false)', schema: s.RequestResultSchema },
    },
    run: (call) => runTool('revoke_access', call),
  },
  {
    method: 'post',
    path: '/api/v1/requests/{request_id}/cancel',
    operationId: 'cancelRequest',
    summary: 'The requester withdraws a pending request',
    sameAs: 'cancel_access_request',
    pathParams: requestIdPath,
    body: toolArgsSchema('cancel_access_request', { skip: ['request_id'] }),
    responses: { 200: { description: 'Cancelled', schema: s.RequestResultSchema } },
    run: (call) => runTool('cancel_access_request', call),
  },
  {
    method: 'get',
    path: '/api/v1/analytics',
    operationId: 'accessAnalytics',
    summary: 'Usage, patterns and security figures over the entries the caller approves',
    sameAs: 'access_analytics',
    query: toolArgsSchema('access_analytics'),
    responses: { 200: { description: 'The figures', schema: s.AnalyticsSchema } },
    run: (call) => runTool('access_analytics', call),
  },
  {
    method: 'get',
    path: '/api/v1/audit/events',
    operationId: 'searchAudit',
    summary: 'Search and filter the audit log (auditor groups only)',
    query: z.object({
      request_id: z.string().optional(),
      type: z.string().optional().describe('Event type, e.g. request_approved'),
      actor: z.string().optional().describe('Who acted, as an email or kubiya-jit'),
      q: z.string().optional().describe('Text in the event data'),
      limit: z.string().regex(/^\d+$/).optional().describe('At most this many, the newest (1–5000, default 200)'),
    }),
    responses: { 200: { description: 'Matching events, oldest first', schema: s.AuditSearchSchema } },
    run: async ({ ctx, caller, args, settings }) => {
      const events = await searchAudit(await ctx.deps(), {
        actorEmail: caller.email,
        auditorGroups: settings.auditorGroups,
        requestId: args.request_id,
        type: args.type,
        actor: args.actor,
        text: args.q,
        limit: args.limit ? Number(args.limit) : undefined,
      });
      return { status: 200, json: { ok: true, events: events.map((e) => JSON.parse(auditJsonLine(e)) as Record<string, unknown>) } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/audit/export',
    operationId: 'exportAudit',
    summary: 'The whole audit log as JSON Lines (auditor groups only)',
    sameAs: 'kubiya-jit audit export',
    responses: { 200: { description: 'One event per line', contentType: 'application/x-ndjson' } },
    run: async ({ ctx, caller, settings }) => {
      const events = await exportAudit(await ctx.deps(), { actorEmail: caller.email, auditorGroups: settings.auditorGroups });
      return { status: 200, text: events.map((e) => `${auditJsonLine(e)}\n`).join(''), contentType: 'application/x-ndjson' };
    },
  },
  {
    method: 'get',
    path: '/api/v1/audit/verify',
    operationId: 'verifyAudit',
    summary: 'Check the hash chain; the head hash when intact (auditor groups only)',
    sameAs: 'kubiya-jit audit verify',
    responses: { 200: { description: 'The verdict (ok false when tampered)', schema: s.AuditVerdictSchema } },
    run: async ({ ctx, caller, settings }) => {
      const deps = await ctx.deps();
      await checkAuditor(deps, caller.email, settings.auditorGroups);
      return { status: 200, json: { ...(await verifyAudit(deps)) } };
    },
  },
];
