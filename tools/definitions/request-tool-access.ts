import { defineTool } from './definition.js';
import { LIFECYCLE_DIAGRAM } from './diagrams.js';

/** Asks for time-bound access to a tool or access entry; approvers decide in Slack. */
export const requestToolAccessTool = defineTool({
  name: 'request_tool_access',
  description: [
    'Ask for temporary, approved access to a tool or cloud access the person may not use yet.',
    'Call it when someone says they need access, or when a tool run failed with "Access denied".',
    "The request is checked, posted to the approvers' Slack channel with Approve and Reject buttons, and if approved the access ends by itself after the ttl.",
    'Example: "I need create_ec2 in eu-west-1 for an hour to deploy the INC-42 hotfix" -> tool_name=create_ec2, user_email=<their email>, tool_params={"region": "eu-west-1"}, ttl=1h, justification="Deploy hotfix for INC-42".',
    'Returns a request id: tell the person their request waits for approval and who may approve.',
    'Do not ask again for the same access while a request is pending; check with view_user_requests.',
  ].join(' '),
  args: [
    {
      name: 'tool_name',
      type: 'str',
      required: true,
      description:
        'Exact name of the tool or access entry wanted, for example create_ec2. Take it from the denial message or what the person names; never invent one. An unknown name is refused with the list of names that can be requested.',
    },
    {
      name: 'user_email',
      type: 'str',
      required: true,
      description:
        "Email of the person who will get the access: the person you are talking to, for example alice@example.com. Asking for someone else works only where the configuration allows it.",
    },
    {
      name: 'tool_params',
      type: 'str',
      required: true,
      description:
        'The parameters the access is limited to, as a JSON object, for example {"region": "eu-west-1"} for create_ec2. Use {} when the tool takes none. They are checked against the tool\'s parameter schema and approvers see them.',
    },
    {
      name: 'ttl',
      type: 'str',
      required: false,
      default: '1h',
      description:
        'How long the access should last once approved: 30m, 1h, 2h, 1d, or ISO 8601 such as PT1H. Defaults to 1h. It may not exceed the tool\'s maximum; ask for no more than the task needs.',
    },
    {
      name: 'justification',
      type: 'str',
      required: true,
      description:
        'Why the access is needed, in one or two sentences approvers will read: the task, ticket or incident, for example "Deploy hotfix for INC-42".',
    },
    {
      name: 'enforcer_request_id',
      type: 'str',
      required: false,
      description:
        'Only when a tool run failed with "Access denied. Request ID: abc-123": pass abc-123. The request is then for exactly the denied run (leave tool_params as {} or the same), and approval lets that run through.',
    },
  ],
  mermaid: LIFECYCLE_DIAGRAM,
});
