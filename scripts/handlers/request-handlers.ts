import { formatDuration } from '../core/duration.js';
import { decideRequest } from '../core/use-cases/decide-request.js';
import { requestAccess } from '../core/use-cases/request-access.js';
import { requestDetails, requestJson } from './format.js';
import type { ToolHandler } from './handler.js';

const iso = (ms: number | undefined) => new Date(ms ?? 0).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `request_tool_access`: validate, route to approvers, post to Slack. */
export const requestToolAccess: ToolHandler = {
  name: 'request_tool_access',
  args: ['tool_name', 'user_email', 'tool_params', 'ttl', 'justification', 'enforcer_request_id'],
  async run(ctx, args) {
    const request = await requestAccess(await ctx.deps(), {
      toolName: args.tool_name,
      userEmail: args.user_email,
      toolParams: args.tool_params,
      ttl: args.ttl,
      justification: args.justification,
      runnerEmail: ctx.env.KUBIYA_USER_EMAIL,
      enforcerRequestId: args.enforcer_request_id,
    });
    return {
      human: [
        `Access request ${request.id} is waiting for approval.`,
        `${request.toolName} for ${request.requester}, ${formatDuration(request.ttlSeconds)}.`,
        `Approvers (${request.approverGroups.join(', ')}): ${request.approvers.join(', ')} — ${request.routing.explanation}`,
        `They were notified in Slack; ${request.requester} gets a direct message when one of them decides.`,
      ].join('\n'),
      json: requestJson(request),
    };
  },
};

/** `approve_tool_access_request`: an approver approves or rejects; approval grants the access. */
export const approveToolAccessRequest: ToolHandler = {
  name: 'approve_tool_access_request',
  args: ['request_id', 'approval_action', 'ttl', 'reason'],
  async run(ctx, args) {
    const request = await decideRequest(await ctx.deps(), {
      requestId: args.request_id,
      action: args.approval_action,
      ttl: args.ttl,
      reason: args.reason,
      approverEmail: ctx.env.KUBIYA_USER_EMAIL,
    });
    const human =
      request.status === 'access_granted'
        ? `Approved request ${request.id}: ${request.requester} has ${request.toolName} until ${iso(request.expiresAt)} (${formatDuration(request.ttlSeconds)}). It will be removed automatically then.`
        : `Rejected request ${request.id}; ${request.requester} has been told.`;
    return { human, json: requestJson(request) };
  },
};

/** Renders one request for `describe_access_request`. */
export { requestDetails };
