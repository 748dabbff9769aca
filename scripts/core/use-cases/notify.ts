import type { NewOutboxMessage, RequesterNotice } from '../ports.js';
import type { AccessRequest } from '../types.js';

/** Whom a change is announced to: the approvers' message brought up to date, a DM to the requester, an alert. */
export interface Announcement {
  /** Rewrite the approvers' message to show the new state (when one was posted). */
  approvers?: boolean;
  /** Send the requester this notice. */
  requester?: RequesterNotice;
  /** Alert the approvers' channel, threaded under the request, with this text. */
  alert?: string;
}

/**
 * The outbox messages announcing a change of `request`. They are written in the same transaction as the
 * change (see `transition`), so nobody is told about a change that was not stored, and no change waits for
 * Slack: the messages are sent afterwards, retried on their own, by whoever drains the outbox.
 */
export function announcements(request: AccessRequest, what: Announcement, at: number): NewOutboxMessage[] {
  const messages: NewOutboxMessage[] = [];
  if (what.approvers && request.approvalMessage) messages.push({ requestId: request.id, kind: 'approval_update', data: {}, at });
  if (what.requester) messages.push({ requestId: request.id, kind: 'requester_notice', data: { notice: what.requester }, at });
  if (what.alert) messages.push({ requestId: request.id, kind: 'alert', data: { text: what.alert.slice(0, 2000) }, at });
  return messages;
}
