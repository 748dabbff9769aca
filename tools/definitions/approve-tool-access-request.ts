import { defineTool } from './definition.js';
import { requestIdArg } from './common-args.js';
import { LIFECYCLE_DIAGRAM } from './diagrams.js';

/** Approves or rejects a pending request, by one of its approvers. */
export const approveToolAccessRequestTool = defineTool({
  name: 'approve_tool_access_request',
  description: [
    'Approve or reject a pending access request.',
    'Call it when an approver decides, usually by clicking Approve or Reject on the request\'s Slack message, which sends you the request id and the action.',
    'The person running it must be one of the request\'s approvers and not the requester: the tool checks both and refuses otherwise, so never call it on your own initiative.',
    'On approve the access is granted for the requested ttl, or for the ttl given here (never above the tool\'s maximum), and ends by itself; on reject the requester is told.',
    'Some requests need several approvals (one from each owning group, or two people): an approval that leaves others missing is recorded and the answer says what the request still waits for; nothing is granted until the last one.',
    'Example: request_id=req_8f2k1xq, approval_action=approve, ttl=30m; or request_id=req_8f2k1xq, approval_action=reject, reason="Use staging instead".',
  ].join(' '),
  args: [
    requestIdArg,
    {
      name: 'approval_action',
      type: 'str',
      required: true,
      options: ['approve', 'reject'],
      description: 'approve to grant the access, reject to refuse it.',
    },
    {
      name: 'ttl',
      type: 'str',
      required: false,
      description:
        'Only when approving and the approver wants a different duration than requested, for example 30m or 2h (or ISO 8601 PT30M). Leave out to keep the requested duration.',
    },
    {
      name: 'reason',
      type: 'str',
      required: false,
      description:
        'The approver\'s reason, in a short sentence, mostly when rejecting, for example "Use the staging account instead". The requester is told it and it is kept in the audit log. Leave out if the approver gave none; never make one up.',
    },
  ],
  mermaid: LIFECYCLE_DIAGRAM,
});
