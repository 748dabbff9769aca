/**
 * The Approve / Reject buttons, in the convention Kubiya's Slack app understands (KUBIYA.md §5): an
 * `action_id` of `agent.process_message_N` and a `value` that is the JSON string
 * `{"agent_uuid": …, "message": …}`. A click makes Kubiya send `message` to that agent as the person who
 * clicked, so the teammate runs the approve tool with that person as `KUBIYA_USER_EMAIL`.
 */
import type { Block, ButtonElement } from './block-kit.js';
import { LIMITS } from './mrkdwn.js';

/** `action_id` of the Approve button. */
export const APPROVE_ACTION_ID = 'agent.process_message_1';
/** `action_id` of the Reject button. */
export const REJECT_ACTION_ID = 'agent.process_message_2';

/** What a button asks the teammate to do. */
export type ApprovalAction = 'approve' | 'reject';

/**
 * The plain-English instruction a button sends the teammate. It carries only the request id (which the
 * package generated) and the action: nothing a requester typed reaches the teammate's prompt this way.
 */
export function teammateInstruction(requestId: string, action: ApprovalAction): string {
  const verb = action === 'approve' ? 'Approve' : 'Reject';
  return (
    `${verb} access request ${requestId}: run the approve_tool_access_request tool with ` +
    `request_id "${requestId}" and approval_action "${action}". Do not change any other argument.`
  );
}

/** The button `value`: `{"agent_uuid": "<uuid>", "message": "<instruction>"}` as a JSON string. */
export function buttonValue(agentUuid: string, requestId: string, action: ApprovalAction): string {
  const value = JSON.stringify({ agent_uuid: agentUuid, message: teammateInstruction(requestId, action) });
  if (value.length > LIMITS.buttonValue) {
    // Only a pathological agent uuid or request id could get here; refusing beats sending a cut JSON string.
    throw new RangeError(`button value would be ${value.length} characters, over Slack's ${LIMITS.buttonValue}`);
  }
  return value;
}

/** The actions block with Approve (primary) and Reject (danger) for one request. */
export function approvalActions(agentUuid: string, requestId: string): Block {
  const button = (label: string, actionId: string, action: ApprovalAction, style: 'primary' | 'danger'): ButtonElement => ({
    type: 'button',
    text: { type: 'plain_text', text: label, emoji: true },
    action_id: actionId,
    value: buttonValue(agentUuid, requestId, action),
    style,
  });
  return {
    type: 'actions',
    block_id: 'jit_decision',
    elements: [
      button('Approve', APPROVE_ACTION_ID, 'approve', 'primary'),
      button('Reject', REJECT_ACTION_ID, 'reject', 'danger'),
    ],
  };
}
