import { defineTool } from './definition.js';
import { requestIdArg } from './common-args.js';
import { CANCEL_DIAGRAM } from './diagrams.js';

/** Withdraws a request still waiting for approval, by the person who asked. */
export const cancelAccessRequestTool = defineTool({
  name: 'cancel_access_request',
  description: [
    'Withdraw an access request that is still waiting for approval.',
    'Call it when the person who asked says they no longer need it. Only they can cancel; the approvers\' Slack message is updated so nobody approves it by mistake.',
    'Access that was already approved is ended with revoke_access instead.',
    'Example: request_id=req_8f2k1xq, reason="Fixed it another way".',
  ].join(' '),
  args: [
    requestIdArg,
    {
      name: 'reason',
      type: 'str',
      required: false,
      description: 'Why the request is withdrawn, optional, for example "No longer needed". Kept in the audit log.',
    },
  ],
  mermaid: CANCEL_DIAGRAM,
});
