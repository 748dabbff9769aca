import { formatDuration } from '../core/duration.js';
import { approvalProgress, progressLines } from '../core/approval-progress.js';
import { decideRequest } from '../core/use-cases/decide-request.js';
import { requestAccess, type RequestOutcome } from '../core/use-cases/request-access.js';
import { escapeUnsafe } from '../core/quote.js';
import { requestDetails, requestJson } from './format.js';
import type { CommandResult, ToolHandler } from './handler.js';

const iso = (ms: number | undefined) => new Date(ms ?? 0).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Said wherever an approval writes nothing (`enforcer.type: none`), instead of "has access until …". */
export const RECORD_ONLY_WARNING =
  'Warning: enforcer.type is none, so nothing enforces this: kubiya-jit writes no Enforcer allow and does not restrict runs of the tool; the approval is only recorded.';

/** What asking printed: the new request waiting for approval, or a denied run approved under an active grant. */
export function requestOutcomeResult(outcome: RequestOutcome): CommandResult {
  if (outcome.kind === 'covered') {
    const { grant, enforcerRequestId } = outcome;
    return {
      human: [
        `Approved at once: the denied run ${enforcerRequestId} is within ${grant.requester}'s active grant ${grant.id} for ${grant.toolName}, so the Kubiya Enforcer now allows it until ${iso(grant.expiresAt)}.`,
        'No new request was made and the approvers were not asked again; the approval is in the audit log of that grant. Run the tool again now.',
      ].join('\n'),
      json: { ...requestJson(grant), auto_approved: { enforcer_request_id: enforcerRequestId, under_request_id: grant.id } },
    };
  }
  const { request } = outcome;
  return {
    human: [
      `Access request ${request.id} is waiting for approval.`,
      `${request.toolName} for ${request.requester}, ${formatDuration(request.ttlSeconds)}.`,
      `Approvers (${request.approverGroups.join(', ')}): ${request.approvers.join(', ')} — ${escapeUnsafe(request.routing.explanation)}`,
      `They were notified in Slack; ${request.requester} gets a direct message when one of them decides.`,
      ...(request.preview.recordOnly ? [RECORD_ONLY_WARNING] : []),
    ].join('\n'),
    json: requestJson(request),
  };
}

/** `request_tool_access`: validate, route to approvers, post to Slack; or approve a covered Enforcer denial. */
export const requestToolAccess: ToolHandler = {
  name: 'request_tool_access',
  args: ['tool_name', 'user_email', 'tool_params', 'ttl', 'justification', 'enforcer_request_id'],
  database: 'create',
  async run(ctx, args) {
    const outcome = await requestAccess(await ctx.deps(), {
      toolName: args.tool_name,
      userEmail: args.user_email,
      toolParams: args.tool_params,
      ttl: args.ttl,
      justification: args.justification,
      runnerEmail: ctx.env.KUBIYA_USER_EMAIL,
      enforcerRequestId: args.enforcer_request_id,
    });
    return requestOutcomeResult(outcome);
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
    let human: string;
    if (request.status === 'approval_pending') {
      // An approval that leaves others needed: say what it counted for and what the request still waits for.
      const states = approvalProgress(request);
      human = `Recorded your approval of request ${request.id}. Nothing is granted until every approval it needs is given:\n${progressLines(states).map((line) => `- ${line}`).join('\n')}`;
    } else if (request.status !== 'access_granted') {
      human = `Rejected request ${request.id}; ${request.requester} has been told${request.endReason ? ', with the reason given' : ''}.`;
    } else if (request.preview.recordOnly) {
      human = `Approved request ${request.id}: recorded that ${request.requester} may run ${request.toolName} until ${iso(request.expiresAt)} (${formatDuration(request.ttlSeconds)}). Nothing was written anywhere.\n${RECORD_ONLY_WARNING}`;
    } else {
      human = `Approved request ${request.id}: ${request.requester} has ${request.toolName} until ${iso(request.expiresAt)} (${formatDuration(request.ttlSeconds)}). It will be removed automatically then.`;
    }
    return { human, json: requestJson(request) };
  },
};

/** Renders one request for `describe_access_request`. */
export { requestDetails };
