import { accessAnalyticsHandler } from './analytics-handler.js';
import { cancelAccessRequest, revokeAccessHandler } from './end-handlers.js';
import type { ToolHandler } from './handler.js';
import { describeAccessRequest, listActiveAccessRequests, searchAccessRequests, viewUserRequestsHandler } from './query-handlers.js';
import { approveToolAccessRequest, requestToolAccess } from './request-handlers.js';
import { sweepExpiredAccess } from './sweep-handler.js';

/** Every static tool's handler, by tool name. A test checks it against the tool definitions' names and args. */
export const STATIC_HANDLERS: ReadonlyMap<string, ToolHandler> = new Map(
  [
    requestToolAccess,
    approveToolAccessRequest,
    describeAccessRequest,
    listActiveAccessRequests,
    revokeAccessHandler,
    cancelAccessRequest,
    viewUserRequestsHandler,
    searchAccessRequests,
    sweepExpiredAccess,
    accessAnalyticsHandler,
  ].map((handler) => [handler.name, handler]),
);
