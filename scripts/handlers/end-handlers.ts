import { lingeringApprovalNotice } from '../core/enforcer-lingering.js';
import { escapeUnsafe } from '../core/quote.js';
import { cancelRequest } from '../core/use-cases/cancel-request.js';
import { revokeAccess } from '../core/use-cases/revoke-access.js';
import { requestJson } from './format.js';
import type { CommandResult, ToolHandler } from './handler.js';
import type { AccessRequest } from '../core/types.js';

/** What a revoke command prints, whether the removal finished or is being retried. */
export function revokeResult(request: AccessRequest): CommandResult {
  if (request.status === 'ending') {
    return {
      human: `Revocation of ${request.id} started, but removing the access failed (${escapeUnsafe(request.lastError ?? 'unknown error')}). kubiya-jit keeps retrying automatically; the Enforcer allow and any AWS expiry condition still end it at ${new Date(request.expiresAt ?? 0).toISOString()}.`,
      json: requestJson(request),
      exitCode: 1,
    };
  }
  const lingering = lingeringApprovalNotice(request);
  const done = `Access for request ${request.id} (${request.toolName}, ${request.requester}) has been revoked.`;
  return { human: lingering ? `${done}\n${lingering}` : done, json: { ...requestJson(request), ...(lingering ? { enforcer_approvals_last_until: new Date(request.expiresAt ?? 0).toISOString() } : {}) } };
}

/** `revoke_access`: end active access early. */
export const revokeAccessHandler: ToolHandler = {
  name: 'revoke_access',
  args: ['request_id', 'reason'],
  async run(ctx, args) {
    const request = await revokeAccess(await ctx.deps(), { requestId: args.request_id, reason: args.reason, actorEmail: ctx.env.KUBIYA_USER_EMAIL });
    return revokeResult(request);
  },
};

/** `cancel_access_request`: the requester withdraws a pending request. */
export const cancelAccessRequest: ToolHandler = {
  name: 'cancel_access_request',
  args: ['request_id', 'reason'],
  async run(ctx, args) {
    const request = await cancelRequest(await ctx.deps(), { requestId: args.request_id, reason: args.reason, actorEmail: ctx.env.KUBIYA_USER_EMAIL });
    return { human: `Request ${request.id} is cancelled; the approvers' message says so.`, json: requestJson(request) };
  },
};
