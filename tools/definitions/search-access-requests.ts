import { defineTool } from './definition.js';
import { cursorArg, limitArg, requesterFilterArg, statusFilterArg, toolNameFilterArg } from './common-args.js';
import { readDiagram } from './diagrams.js';

/** Searches every request by text and filters, for audits and questions about the past. */
export const searchAccessRequestsTool = defineTool({
  name: 'search_access_requests',
  description: [
    'Search all access requests, open and past, newest first.',
    'Call it for audits and questions such as "who had access to create_ec2 last week?" or "show requests mentioning INC-42".',
    'Every argument is optional and they combine.',
    'It shows up to limit requests (default 25) and says how many matched; for more, call again with the cursor it gives.',
    'Example: query="eu-west-1", tool_name=create_ec2, since=7d.',
  ].join(' '),
  args: [
    {
      name: 'query',
      type: 'str',
      required: false,
      description: 'Free text matched against tool names, parameters, justifications and people, for example "eu-west-1" or "INC-42".',
    },
    statusFilterArg,
    toolNameFilterArg,
    requesterFilterArg,
    {
      name: 'since',
      type: 'str',
      required: false,
      description:
        'Only requests created after this: a duration back from now such as 24h or 7d, or a date or time in ISO 8601 such as 2025-01-31 or 2025-01-31T09:00:00Z.',
    },
    limitArg,
    cursorArg,
  ],
  mermaid: readDiagram('search_access_requests', 'matching requests, newest first'),
});
