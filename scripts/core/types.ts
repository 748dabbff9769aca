/** Domain types shared by the core, the adapters and the handlers. No vendor type appears here. */

/** Every state an access request can be in. See {@link TRANSITIONS} in lifecycle.ts for the moves. */
export type RequestStatus =
  | 'approval_pending'
  | 'access_denied'
  | 'cancelled'
  | 'timed_out'
  | 'granting'
  | 'access_granted'
  | 'failed'
  | 'ending'
  | 'access_expired'
  | 'revoked';

/** JSON value, as parsed from `tool_params` or a provider's record. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Why these approvers were chosen: an explicit mapping, a knowledge match, or the config's default. */
export interface ApproverRouting {
  /** `owner`: the target names its owners (a namespace's annotation or the config's per-namespace mapping). */
  source: 'mapping' | 'knowledge' | 'default' | 'owner';
  groups: string[];
  /** For knowledge routing: the documents that matched, best first, with their scores. */
  matches?: { document: string; score: number; groups: string[] }[];
  /** One sentence a person can read: "create_ec2 is mapped to platform-approvers in the config". */
  explanation: string;
}

/**
 * One approval a request needs: `required` distinct people, each an ACTIVE member of one of `groups` when they
 * approve. `label` names it for people and in the audit log ("payments-owners").
 */
export interface ApprovalRequirement {
  label: string;
  groups: string[];
  required: number;
  /** The targets this requirement stands for (namespaces), when the owners of the targets chose it. */
  targets?: string[];
}

/** One approval a person gave, and the requirements it counts toward (by label). */
export interface GivenApproval {
  approver: string;
  /** The approver's directory id, when the directory has ids. */
  approverId?: string;
  at: number;
  counts: string[];
  /** A shorter TTL this approver asked for; the grant gets the shortest any approver asked for. */
  ttlSeconds?: number;
  reason?: string;
}

/** A Slack (or other) message the package posted and may update later. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** One access request as stored. `version` increases by one on every write (compare-and-swap). */
export interface AccessRequest {
  id: string;
  status: RequestStatus;
  version: number;
  /** Catalog entry requested: a Kubiya tool name or a generated policy/access entry. */
  toolName: string;
  toolParams: Record<string, Json>;
  /** The person who will receive the access. */
  requester: string;
  /** The person the runner says ran the request tool; differs from `requester` only on-behalf. */
  requestedBy: string;
  /**
   * The directory's stable ids (Okta user ids) of the people on the request, where the directory has them.
   * People are compared by these, not by email text; absent with a directory that has no ids (config lists).
   */
  personIds?: PersonIds;
  justification: string;
  ttlSeconds: number;
  approverGroups: string[];
  /** ACTIVE members of the approver groups at request time, requester excluded. */
  approvers: string[];
  routing: ApproverRouting;
  /**
   * The approvals the request needs before it is granted: one entry per owning group (the owners of each
   * namespace), each asking `required` distinct people. Absent on rows made before multi-approval: those need
   * one approval from any of `approverGroups` (see {@link requirementsOf}).
   */
  approvalRequirements?: ApprovalRequirement[];
  /** The approvals given so far, in order; the last one moves the request on once every requirement is met. */
  approvals?: GivenApproval[];
  /** What approval will grant, rendered before approval so approvers see exactly what they approve. */
  preview: GrantPreview;
  createdAt: number;
  updatedAt: number;
  decidedBy?: string;
  decidedAt?: number;
  grantedAt?: number;
  expiresAt?: number;
  endedAt?: number;
  /** Why the request ended: rejection note, revocation reason, failure reason. */
  endReason?: string;
  /** Set while `ending`: whether the end is the TTL or an early revocation. */
  endKind?: 'expire' | 'revoke';
  endedBy?: string;
  approvalMessage?: MessageRef;
  /** The Enforcer's request id, when the request began as an Enforcer denial ("Access denied. Request ID: …"). */
  enforcerRequestId?: string;
  /**
   * Ids of later Enforcer denials approved under this grant (the person ran the tool again within its scope).
   * The Kubiya Enforcer cannot withdraw an approval, so these stay allowed until the grant's expiry.
   */
  enforcerApprovals?: string[];
  /**
   * The provider and its settings as they were when the request was approved. Removal uses these, so an entry
   * changed (another policy, another account) or removed from the config since still has what it granted
   * taken away. Absent on rows approved before it was recorded; those fall back to the current entry.
   */
  grantedWith?: GrantTarget;
  /** Revocation attempts that failed while ending; reset when the end succeeds. */
  endAttempts: number;
  /** Earliest time the next revocation attempt may run (backoff). */
  nextAttemptAt?: number;
  lastError?: string;
  /**
   * When the current run of failed removal attempts began; cleared when a removal succeeds. Retries stay a
   * few seconds apart while this is recent and back off once the removal has been failing for long.
   */
  failingSince?: number;
  /** Whether the pre-expiry warning DM was sent. */
  warned: boolean;
  /** Whether the approvers were alerted that revocation keeps failing. */
  alerted: boolean;
}

/** Directory ids of the people on a request, each recorded when that person acted. */
export interface PersonIds {
  requester?: string;
  requestedBy?: string;
  /** Ids of the approvers listed when the request was made. */
  approvers?: string[];
  decidedBy?: string;
  endedBy?: string;
}

/** Which provider grants a request's access, and with which settings (policy, account, buckets, …). */
export interface GrantTarget {
  provider: string;
  settings: Record<string, Json>;
  /**
   * What removal needs that would otherwise come from the config of the day, recorded at approval: the
   * principal the person was mapped to, the Identity Center instance, the Enforcer's type and address, the
   * AWS region. With it, a grant is removed exactly as it was made even when today's config is changed or
   * cannot be read at all. Absent on rows approved before it was recorded.
   */
  pinned?: Record<string, Json>;
}

/** What approving a request will do, in data and in words. */
export interface GrantPreview {
  provider: string;
  /** Short lines a person reads: "Enforcer allow: create_ec2 {region: eu-west-1}". */
  summary: string[];
  /** The exact documents that will be written (Enforcer allow, IAM policy document), for the record. */
  documents: Record<string, Json>;
  /**
   * True when approval writes nothing that enforces anything (`enforcer.type: none`): the approval is only
   * recorded, so no output may say the person "has access until …".
   */
  recordOnly?: boolean;
}

/** One append-only audit event, chained by hash to the one before it. */
export interface AuditEvent {
  seq: number;
  requestId: string | null;
  type: string;
  actor: string;
  at: number;
  data: Record<string, Json>;
  prevHash: string;
  hash: string;
}

/** An audit event before the store numbers and chains it. */
export type NewAuditEvent = Pick<AuditEvent, 'requestId' | 'type' | 'actor' | 'at' | 'data'>;

/** A person as the directory knows them. */
export interface Person {
  email: string;
  active: boolean;
  /** Directory id (Okta user id), when the directory has one. */
  id?: string;
  displayName?: string;
}
