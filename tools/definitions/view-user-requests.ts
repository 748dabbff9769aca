import { defineTool } from './definition.js';
import { cursorArg, limitArg, statusFilterArg } from './common-args.js';
import { readDiagram } from './diagrams.js';

/** Shows one person's requests, by default those of the person asking. */
export const viewUserRequestsTool = defineTool({
  name: 'view_user_requests',
  description: [
    "Show one person's access requests, newest first: waiting, granted (with time left) and past ones.",
    'Call it when someone asks "what access do I have?", "did my request go through?", or before asking for access again.',
    'Leave user_email out for the person you are talking to. Optional status filter, for example status=access_granted.',
    'It shows up to limit requests (default 25) and says how many there are; for more, call again with the cursor it gives.',
  ].join(' '),
  args: [
    {
      name: 'user_email',
      type: 'str',
      required: false,
      description: 'Whose requests to show, as an email address, for example alice@example.com. Leave out for the person you are talking to.',
    },
    statusFilterArg,
    limitArg,
    cursorArg,
  ],
  mermaid: readDiagram('view_user_requests', "the person's requests"),
});
