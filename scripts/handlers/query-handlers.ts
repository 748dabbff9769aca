import { describeRequest, listActiveRequests, searchRequests, viewUserRequests } from '../core/use-cases/queries.js';
import { quoted } from '../core/quote.js';
import { auditLines, requestDetails, requestJson } from './format.js';
import type { ToolHandler } from './handler.js';
import { listing } from './listing.js';

/** `describe_access_request`: one request and its audit trail, for the people involved. */
export const describeAccessRequest: ToolHandler = {
  name: 'describe_access_request',
  args: ['request_id'],
  async run(ctx, args) {
    // Only the store and the directory: describing never loads the catalog, Slack or AWS.
    const { request, events } = await describeRequest(
      { store: ctx.store(), directory: ctx.directory() },
      { requestId: args.request_id, actorEmail: ctx.env.KUBIYA_USER_EMAIL },
    );
    return {
      human: `${requestDetails(request)}\nHistory:\n${auditLines(events)}`,
      json: { ...requestJson(request), history: events.map((e) => ({ at: new Date(e.at).toISOString(), type: e.type, actor: e.actor, data: e.data })) },
    };
  },
};

/** `list_active_access_requests`: pending and active requests the caller can act on. */
export const listActiveAccessRequests: ToolHandler = {
  name: 'list_active_access_requests',
  args: ['tool_name', 'requester', 'status', 'limit', 'cursor'],
  async run(ctx, args) {
    const requests = await listActiveRequests(
      { store: ctx.store(), clock: ctx.clock },
      { actorEmail: ctx.env.KUBIYA_USER_EMAIL, toolName: args.tool_name, requester: args.requester, status: args.status, limit: args.limit, cursor: args.cursor },
    );
    return listing('Pending and active access requests you approve or asked for', requests, 'There are no pending or active access requests for you.');
  },
};

/** `view_user_requests`: a person's requests. */
export const viewUserRequestsHandler: ToolHandler = {
  name: 'view_user_requests',
  args: ['user_email', 'status', 'limit', 'cursor'],
  async run(ctx, args) {
    const requests = await viewUserRequests(
      { store: ctx.store(), clock: ctx.clock },
      { actorEmail: ctx.env.KUBIYA_USER_EMAIL, userEmail: args.user_email, status: args.status, limit: args.limit, cursor: args.cursor },
    );
    return listing(`Access requests of ${quoted(args.user_email?.trim() || ctx.env.KUBIYA_USER_EMAIL || '')}`, requests, 'No access requests found.');
  },
};

/** `search_access_requests`: free text and filters over requests the caller is involved in. */
export const searchAccessRequests: ToolHandler = {
  name: 'search_access_requests',
  args: ['query', 'status', 'tool_name', 'requester', 'since', 'limit', 'cursor'],
  async run(ctx, args) {
    const requests = await searchRequests(
      { store: ctx.store(), clock: ctx.clock },
      {
        actorEmail: ctx.env.KUBIYA_USER_EMAIL,
        query: args.query,
        status: args.status,
        toolName: args.tool_name,
        requester: args.requester,
        since: args.since,
        limit: args.limit,
        cursor: args.cursor,
      },
    );
    return listing('Matching access requests', requests, 'No matching access requests.');
  },
};
