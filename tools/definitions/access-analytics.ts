import { defineTool } from './definition.js';
import { toolNameFilterArg } from './common-args.js';
import { readDiagram } from './diagrams.js';

/** Usage, patterns and security figures of access over a window, for approvers. */
export const accessAnalyticsTool = defineTool({
  name: 'access_analytics',
  description: [
    'Summarise access over a period: how many requests, approvals, rejections and grants; time to decision; TTL asked vs granted vs used; who keeps asking for the same access (candidates for a standing role); and security findings such as self-approval attempts, refused requests, approvals given in seconds, off-hours grants, failed removals, access that outlived its TTL and the audit log state.',
    'Only approvers may run it. Call it when an approver asks "how was access used last month?" or "anything suspicious this week?".',
    'Example: since=7d, tool_name=create_ec2.',
  ].join(' '),
  args: [
    {
      name: 'since',
      type: 'str',
      required: false,
      description: 'Start of the period: a length back from the end such as 7d or 30d (the default), or a date such as 2026-11-01.',
    },
    {
      name: 'until',
      type: 'str',
      required: false,
      description: 'End of the period: a date such as 2026-11-30, or a length back from now such as 1d. Leave out for now.',
    },
    toolNameFilterArg,
    {
      name: 'provider',
      type: 'str',
      required: false,
      description: 'Only requests granted through this provider, for example enforcer, aws-iam-policy or aws-s3. Leave out for all.',
    },
    {
      name: 'group',
      type: 'str',
      required: false,
      description: 'Only requests approved by this approver group, for example platform-approvers. Leave out for all.',
    },
  ],
  mermaid: readDiagram('access_analytics', 'usage, patterns, security findings'),
});
