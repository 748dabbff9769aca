import { defineTool } from './definition.js';
import { requestIdArg } from './common-args.js';
import { readDiagram } from './diagrams.js';

/** Shows one access request in full. */
export const describeAccessRequestTool = defineTool({
  name: 'describe_access_request',
  description: [
    'Show one access request: who asked, for which tool and parameters, why, its status (waiting for approval, granted, expired, rejected, revoked, ...), who may approve or who decided, and when the access ends.',
    'Call it when someone asks about a request by id, for example "what happened to req_8f2k1xq?", or before approving to see exactly what will be granted.',
  ].join(' '),
  args: [requestIdArg],
  mermaid: readDiagram('describe_access_request', 'one request and its history'),
});
