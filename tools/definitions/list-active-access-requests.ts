import { defineTool } from './definition.js';
import { cursorArg, limitArg, requesterFilterArg, toolNameFilterArg } from './common-args.js';
import { readDiagram } from './diagrams.js';

/** Lists the requests still open: waiting for approval or with access in force. */
export const listActiveAccessRequestsTool = defineTool({
  name: 'list_active_access_requests',
  description: [
    'List the access requests that are still open, newest first: those waiting for approval and those whose access is in force, with the time left.',
    'Call it when an approver asks what is waiting for them, or someone asks who has access right now.',
    'All filters are optional and combine, for example tool_name=create_ec2 and status=approval_pending.',
    'It shows up to limit requests (default 25) and says how many matched; when there are more, tell the person and call again with the cursor it gives.',
  ].join(' '),
  args: [
    toolNameFilterArg,
    requesterFilterArg,
    {
      name: 'status',
      type: 'str',
      required: false,
      options: ['approval_pending', 'granting', 'access_granted', 'ending'],
      description:
        'Only open requests in this state: approval_pending (waiting for an approver), access_granted (access in force), granting or ending (in progress). Leave out for all open requests.',
    },
    limitArg,
    cursorArg,
  ],
  mermaid: readDiagram('list_active_access_requests', 'open requests, newest first'),
});
