import { defineTool } from './definition.js';
import { requestIdArg } from './common-args.js';
import { REVOKE_DIAGRAM } from './diagrams.js';

/** Ends granted access before its TTL, by the requester or an approver. */
export const revokeAccessTool = defineTool({
  name: 'revoke_access',
  description: [
    'End granted access before its ttl runs out.',
    'Call it when the person who has the access says they are done ("I\'m finished with create_ec2, take it back"), or when one of the request\'s approvers wants to cut it short. Only they may revoke; the tool checks.',
    'The access is removed at once everywhere it was granted, the Slack message is updated and the requester is told.',
    'Example: request_id=req_8f2k1xq, reason="Hotfix deployed".',
  ].join(' '),
  args: [
    requestIdArg,
    {
      name: 'reason',
      type: 'str',
      required: true,
      description: 'Why the access ends early, in a short sentence kept in the audit log, for example "Hotfix deployed" or "Access no longer needed".',
    },
  ],
  mermaid: REVOKE_DIAGRAM,
});
