/**
 * Args several tools share, described once so the LLM reads the same words for the same thing everywhere.
 */
import type { RequestStatus } from '../../scripts/core/types.js';
import type { ArgInput } from '../model.js';

// A record keyed by every status makes the compiler refuse this list when a status is added or removed.
const STATUS_SET: Record<RequestStatus, true> = {
  approval_pending: true,
  granting: true,
  access_granted: true,
  ending: true,
  access_expired: true,
  revoked: true,
  access_denied: true,
  cancelled: true,
  timed_out: true,
  failed: true,
};

/** Every request status, in lifecycle order, for `status` filters. */
export const ALL_STATUSES = Object.keys(STATUS_SET) as RequestStatus[];

/** The id of an access request, as returned by request_tool_access and shown in Slack. */
export const requestIdArg: ArgInput = {
  name: 'request_id',
  type: 'str',
  required: true,
  description:
    'The access request id, exactly as request_tool_access returned it or as the Slack message shows it (for example req_8f2k1xq). Never guess one: if unsure, find it with view_user_requests or list_active_access_requests.',
};

/** An optional filter on the requested tool's name. */
export const toolNameFilterArg: ArgInput = {
  name: 'tool_name',
  type: 'str',
  required: false,
  description: 'Only requests for this tool or access entry, for example create_ec2. Leave out for all tools.',
};

/** An optional filter on the person who asked. */
export const requesterFilterArg: ArgInput = {
  name: 'requester',
  type: 'str',
  required: false,
  description: 'Only requests by this person, as an email address, for example alice@example.com. Leave out for everyone.',
};

/** An optional status filter over every status. */
export const statusFilterArg: ArgInput = {
  name: 'status',
  type: 'str',
  required: false,
  options: [...ALL_STATUSES],
  description:
    'Only requests in this state: approval_pending (waiting for an approver), access_granted (access in force), access_expired (ended at its TTL), revoked (ended early), access_denied (rejected), cancelled, timed_out (no decision in time), failed, granting or ending (in progress). Leave out for all.',
};

/** How many requests a listing shows at once; the answer says how many matched in all. */
export const limitArg: ArgInput = {
  name: 'limit',
  type: 'str',
  required: false,
  description:
    'How many requests to show at once, a whole number from 1 to 200 (default 25). The answer always says how many matched in all; for the rest use cursor.',
};

/** Where the next page of a listing starts. */
export const cursorArg: ArgInput = {
  name: 'cursor',
  type: 'str',
  required: false,
  description:
    'Only to see the next page: the next_cursor (shown as "more: --cursor …") of the previous answer, passed exactly as given, with the same filters. Leave out for the newest requests.',
};
