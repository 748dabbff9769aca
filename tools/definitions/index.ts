/**
 * The registry of static tools, in the order the bundle lists them. A unit test checks it against the files
 * of this folder, so a definition that is written but not listed here (or listed twice) fails the build.
 * Tools generated from the config's catalog come from {@link ./generated.ts}; `approvers` is CLI-only.
 */
import { accessAnalyticsTool } from './access-analytics.js';
import { approveToolAccessRequestTool } from './approve-tool-access-request.js';
import { cancelAccessRequestTool } from './cancel-access-request.js';
import type { ToolDefinition } from './definition.js';
import { describeAccessRequestTool } from './describe-access-request.js';
import { listActiveAccessRequestsTool } from './list-active-access-requests.js';
import { requestToolAccessTool } from './request-tool-access.js';
import { revokeAccessTool } from './revoke-access.js';
import { searchAccessRequestsTool } from './search-access-requests.js';
import { sweepExpiredAccessTool } from './sweep-expired-access.js';
import { viewUserRequestsTool } from './view-user-requests.js';

/** Every static tool definition. */
export const STATIC_TOOLS: readonly ToolDefinition[] = [
  requestToolAccessTool,
  approveToolAccessRequestTool,
  describeAccessRequestTool,
  listActiveAccessRequestsTool,
  revokeAccessTool,
  cancelAccessRequestTool,
  viewUserRequestsTool,
  searchAccessRequestsTool,
  sweepExpiredAccessTool,
  accessAnalyticsTool,
];

/** The static tool of this name, if any. */
export function findStaticTool(name: string): ToolDefinition | undefined {
  return STATIC_TOOLS.find((tool) => tool.name === name);
}

export type { ToolDefinition } from './definition.js';
