/**
 * The ports the core drives. Adapters (SQLite, Slack, Okta, OPA, AWS, …) implement them; the core only
 * ever sees these interfaces and the domain types, never a vendor SDK type.
 */
import type { AuditCheckpoint } from './audit-chain.js';
import type { EventFacts, RequestFacts } from './analytics/analytics-types.js';
import type { AccessRequest, AuditEvent, GrantPreview, GrantTarget, Json, MessageRef, NewAuditEvent, Person, RequestStatus } from './types.js';

/** Filters for listing requests; every field narrows the result. */
export interface RequestFilter {
  statuses?: readonly RequestStatus[];
  requester?: string;
  /** Requests made by this person (whoever ran the request tool, for themselves or on someone's behalf). */
  requestedBy?: string;
  toolName?: string;
  /** Requests this person may decide (is in `approvers`). */
  approver?: string;
  /** Requests this person asked for (is `requester`) or may decide (is in `approvers`). */
  involves?: string;
  /** Free text matched against tool name, justification, requester and parameters. */
  text?: string;
  createdAfter?: number;
  createdBefore?: number;
  /** At most this many, newest first. */
  limit?: number;
  /**
   * Only requests after this one in the newest-first order (keyset paging): the last request of the previous
   * page. Stable under inserts: a request created later sorts before it, so it never shifts a later page.
   */
  after?: ListPosition;
}

/** A request's place in the newest-first order of {@link RequestStore.list}: created_at, then id, both descending. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

/** How long each kind of pending work may wait before the sweeper must act on it. */
export interface DueThresholds {
  /** Active grants get the warning DM this long before they expire. */
  warnBeforeMs: number;
  /** Pending requests with no decision for this long time out. */
  approvalTimeoutMs: number;
  /** A request left in `granting` this long was abandoned by a crashed run and must be cleaned up. */
  grantingLeaseMs: number;
}

/** One grant's hold on a shared access (a managed policy attachment, an SSO assignment), as the store keeps it. */
export interface TargetHold {
  /** The access held, as the provider names it (`iam-policy:<user>:<policy arn>`). */
  target: string;
  /** The grant id holding it. */
  grantId: string;
  /** Epoch ms after which the hold no longer keeps the access alive (a revocation that never ran cannot keep it forever). */
  expiresAt: number;
  /** The access existed before any grant held it (standing access), so the last holder must not remove it. */
  keep: boolean;
}

/** Work a provider asked to be done later (removing a session deny once no such session can be alive). */
export interface FollowUp {
  /** Unique per piece of work; scheduling the same key again replaces it. */
  key: string;
  /** The provider that does it (its `followUp` capability). */
  provider: string;
  /** Epoch ms from which it is due. */
  dueAt: number;
  /** What the provider needs to do it. */
  data: Record<string, Json>;
  /** Failed attempts so far. */
  attempts: number;
}

/**
 * What providers coordinate through in the store, so that only this package can write it and every process
 * and host sharing the store sees it: per-target locks (leases), holds on shared access, and follow-ups.
 */
export interface TargetLedger {
  /**
   * Takes the lock `name` for `owner` until `until` (epoch ms) when it is free, its lease ended before `now`,
   * or `owner` already holds it (then the lease is extended: this is also how a holder renews). Returns
   * whether `owner` holds it now. Atomic across processes and hosts sharing the store.
   */
  acquireLock(name: string, owner: string, until: number, now: number): Promise<boolean>;
  /** Releases the lock if `owner` still holds it; releasing a lock held by another, or by no one, does nothing. */
  releaseLock(name: string, owner: string): Promise<void>;
  /** Records a hold; recording the same (target, grant) again replaces it. */
  addHold(hold: TargetHold): Promise<void>;
  /** Drops a grant's hold on a target; dropping one that is gone is success. */
  removeHold(target: string, grantId: string): Promise<void>;
  /** The holds on `target`, or every hold when `target` is undefined (for reconciliation), expired ones included. */
  listHolds(target?: string): Promise<TargetHold[]>;
  /** Schedules (or reschedules, by key) a follow-up. A claim on it ends: the new schedule is new work. */
  scheduleFollowUp(followUp: FollowUp): Promise<void>;
  /** Follow-ups due at `now`, earliest first, claimed or not. */
  dueFollowUps(now: number, limit: number): Promise<FollowUp[]>;
  /**
   * Claims up to `limit` follow-ups due at `now` that no one holds (or whose claim ran out by `now`) for
   * `owner` until `until`, earliest first. Claimers at once get disjoint sets, on any host sharing the store,
   * so two processes never run one follow-up at once.
   */
  claimFollowUps(now: number, owner: string, until: number, limit: number): Promise<FollowUp[]>;
  /**
   * Ends `owner`'s claim on follow-up `key`: moves it to `next.dueAt` with `next.attempts`, or removes it when
   * `next` is undefined. Changes nothing and returns false when `owner` no longer holds the claim (it ran out
   * and was taken, or the follow-up was scheduled again meanwhile, and that newer schedule stands).
   */
  settleFollowUp(key: string, owner: string, next: { dueAt: number; attempts: number } | undefined): Promise<boolean>;
  /** The earliest instant a follow-up can be claimed (its due time, or the end of a live claim on it), or undefined when none is scheduled. */
  nextFollowUpAt(): Promise<number | undefined>;
  /** Every scheduled follow-up, due or not (for reconciliation). */
  listFollowUps(): Promise<FollowUp[]>;
  /** Removes a follow-up once done; removing one that is gone is success. */
  completeFollowUp(key: string): Promise<void>;
}

/** A console sign-in session or a personal API token, as the store keeps it: the secret only as its hash. */
export interface StoredCredential {
  /** Public id (shown in the console's token list; never enough to authenticate). */
  id: string;
  kind: 'session' | 'token';
  /** The person it acts as, as the identity normalisation gives it; a credential never acts for anyone else. */
  owner: string;
  /** A token's name as its owner typed it; for a session, the provider signed in with. */
  label: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secretHash: string;
  createdAt: number;
  /** Epoch ms after which it no longer authenticates (a session's absolute timeout, a token's expiry). */
  expiresAt: number;
  /** Last time it authenticated (a session's idle timeout counts from it; written at most about once a minute). */
  lastUsedAt: number;
  /** Set when revoked (a token revoked in the console, a session signed out); it never authenticates again. */
  revokedAt?: number;
}

/** Where console sessions and personal API tokens are kept, hashed (every store adapter has it). */
export interface CredentialStore {
  /** Stores a new credential. */
  saveCredential(credential: StoredCredential): Promise<void>;
  /** The credential whose secret hashes to `secretHash`, revoked or expired ones included (callers check). */
  findCredential(secretHash: string): Promise<StoredCredential | undefined>;
  /** One person's credentials of a kind, newest first, revoked and expired ones included. */
  listCredentials(owner: string, kind: StoredCredential['kind']): Promise<StoredCredential[]>;
  /** Records that the credential was used at `at`. */
  touchCredential(id: string, at: number): Promise<void>;
  /** Revokes `id` if `owner` owns it and it is not revoked yet; returns whether it did. */
  revokeCredential(id: string, owner: string, at: number): Promise<boolean>;
}

/** What an outbox message asks for: the approvers' message brought up to date, a DM, or an alert. */
export type OutboxKind = 'approval_update' | 'requester_notice' | 'alert' | 'channel_alert';

/** A notification to send, as written with the change that causes it. */
export interface NewOutboxMessage {
  /** The request it is about; null for a notice about no one request (a config error). */
  requestId: string | null;
  kind: OutboxKind;
  /** `notice` for a requester notice, `text` for alerts. */
  data: Record<string, Json>;
  /** When it was written; it may be sent from then on. */
  at: number;
  /** A message with a key some earlier message already has (sent or not) is not written again. */
  dedupeKey?: string;
}

/** A notification waiting in the outbox, as claimed for sending. */
export interface OutboxMessage {
  id: number;
  requestId: string | null;
  kind: OutboxKind;
  data: Record<string, Json>;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  /** `pending` until sent; `abandoned` once the sender gave up. */
  state: 'pending' | 'sent' | 'abandoned';
}

/** How one attempt to send an outbox message ended. */
export type OutboxOutcome =
  | { state: 'sent' }
  | { state: 'retry'; error: string; nextAttemptAt: number }
  | { state: 'abandoned'; error: string };

/**
 * A sweeper's claim on due work: other sweepers skip what it holds until it writes the request, releases
 * it, or `until` passes (its owner died).
 */
export interface DueClaim {
  /** Who claims: one id per sweep. */
  owner: string;
  /** Epoch milliseconds after which the claim lapses if its owner never acted on the request. */
  until: number;
}

/** Ends a {@link RequestStore.watchChanges} subscription. */
export interface ChangeWatch {
  close(): Promise<void>;
}

/**
 * Where requests and the audit log live. Every write of a request is a compare-and-swap on
 * `(id, status, version)` and appends its audit events (and any outbox messages) in the same transaction.
 * It also keeps the providers' {@link TargetLedger} and the console's {@link CredentialStore}.
 *
 * Removals are claimed with a short lease (`lease_owner`, `lease_until` beside the row, outside the request
 * itself), renewed while they run, so a removal whose process died is taken over by another process within
 * one lease, on this host or another. Renewing a lease never changes the request or its version.
 */
export interface RequestStore extends TargetLedger, CredentialStore {
  /** Inserts a new request with its first audit events, atomically. */
  create(request: AccessRequest, events: NewAuditEvent[]): Promise<void>;
  /** The request with this id, or undefined. */
  get(id: string): Promise<AccessRequest | undefined>;
  /**
   * Replaces the stored request with `next` (whose version must be `expected.version + 1`) only if the
   * stored row still has `expected.status` and `expected.version`; appends `events` and enqueues `outbox`
   * messages in the same transaction. Returns false, writing nothing, when another writer got there first.
   */
  update(
    expected: Pick<AccessRequest, 'id' | 'status' | 'version'>,
    next: AccessRequest,
    events: NewAuditEvent[],
    outbox?: NewOutboxMessage[],
  ): Promise<boolean>;
  /**
   * Requests matching the filter, newest first: by `createdAt` descending, then `id` descending, so the order
   * is total and `filter.after` continues exactly where a page ended.
   */
  list(filter: RequestFilter): Promise<AccessRequest[]>;
  /** How many requests match the filter, whatever its `limit` and `after`. */
  count(filter: RequestFilter): Promise<number>;
  /**
   * Requests the sweeper must act on at `now`, most overdue first: grants past expiry, ends due for a retry,
   * pending requests past the approval timeout, grants due their warning, abandoned `granting` rows. A row
   * under another process's unexpired lease is due only once that lease runs out.
   */
  due(now: number, thresholds: DueThresholds, limit: number): Promise<AccessRequest[]>;
  /** The earliest instant at which `due` returns something (possibly already past), or undefined if never. */
  nextDueAt(thresholds: DueThresholds): Promise<number | undefined>;
  /**
   * Takes the removal lease of request `id` for `owner` until `until`, if no other owner holds one that is
   * still running at `now` (an owner may re-take its own). Atomic across processes and hosts; true when taken.
   */
  claimLease(id: string, owner: string, now: number, until: number): Promise<boolean>;
  /** Extends `owner`'s lease of `id` to `until`; false when `owner` no longer holds it (it ran out and was taken). */
  renewLease(id: string, owner: string, until: number): Promise<boolean>;
  /** Gives up `owner`'s lease of `id`, if it still holds it. */
  releaseLease(id: string, owner: string): Promise<void>;
  /** Writes outbox messages that belong to no request write (a config-error alert); skips known dedupe keys. */
  enqueue(messages: NewOutboxMessage[]): Promise<void>;
  /**
   * Claims up to `limit` pending messages due at `now` (oldest first) for `owner` until `leaseUntil`, so that
   * several senders never send one message twice at once. A claim that runs out makes the message claimable again.
   */
  claimOutbox(now: number, owner: string, leaseUntil: number, limit: number): Promise<OutboxMessage[]>;
  /** Records how sending a claimed message went, and releases the claim. Ignored if `owner` lost the claim. */
  settleOutbox(id: number, owner: string, outcome: OutboxOutcome, now: number): Promise<void>;
  /** The earliest instant a pending message may be sent (possibly past), or undefined when none waits. */
  nextOutboxAt(): Promise<number | undefined>;
  /** Outbox messages in a state, oldest first (`pending` and `abandoned` are what an operator looks at). */
  outbox(filter: { state: OutboxMessage['state']; requestId?: string; limit?: number }): Promise<OutboxMessage[]>;
  /**
   * What `due` returns, less what other sweepers hold, claimed for `claim.owner`: sweepers claiming at once
   * never get the same request, so several workers share the work. Any write of a request ends its claim.
   * Claims only share work out; the compare-and-swap of every transition is what keeps a grant from being
   * ended twice, so a lapsed claim costs duplicate effort, never a duplicate end.
   */
  claimDue(now: number, thresholds: DueThresholds, limit: number, claim: DueClaim): Promise<AccessRequest[]>;
  /** Gives back the claims `owner` still holds (requests it did not write), so other sweepers can take them now. */
  releaseClaims(owner: string): Promise<void>;
  /**
   * Checks, now, that the store answers and that its schema is the one this code knows; throws a JitError
   * naming the setting to fix otherwise. Readiness probes call it.
   */
  health(): Promise<void>;
  /**
   * Calls `onChange` soon after any process, on any host that shares the store, writes a request. Optional:
   * the worker wakes early with it, and must stay correct (if later) without it.
   */
  watchChanges?(onChange: () => void): Promise<ChangeWatch>;
  /** Appends audit events that belong to no request write (a refused approval, a config load). */
  appendAudit(events: NewAuditEvent[]): Promise<void>;
  /** Audit events in order, optionally only one request's, or only those numbered `fromSeq` and after. */
  auditEvents(options?: { requestId?: string; fromSeq?: number }): Promise<AuditEvent[]>;
  /** The newest {@link AuditCheckpoint} (the highest `seq`), or undefined before the first. */
  auditCheckpoint(): Promise<AuditCheckpoint | undefined>;
  /** Records a checkpoint; one already recorded for the same `seq` is kept as it is. */
  saveAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /**
   * For analytics over `[from, to)`: every request created before `to` that is still open (not in a final
   * state) or was last updated at or after `from`, i.e. whose life reaches into the window. In no particular
   * order (sorting 100,000 rows costs more than analytics needs). Only the fields analytics reads
   * ({@link RequestFacts}); a store may return whole requests.
   */
  requestsOverlapping(from: number, to: number): Promise<RequestFacts[]>;
  /**
   * Audit events with `from <= at < to`, only of the given types when `types` is given, in chain order (`seq`),
   * without their hashes ({@link EventFacts}); a store may return whole events. With `withDataKey`, only the
   * events whose data has that key (a `request_approved` that changed the TTL records the one asked for).
   */
  auditEventsBetween(from: number, to: number, types?: readonly string[], options?: { withDataKey?: string }): Promise<EventFacts[]>;
  /** A cached string value, if present and not expired at `now`. */
  cacheGet(key: string, now: number): Promise<string | undefined>;
  /** Stores a cached value until `expiresAt`. */
  cachePut(key: string, value: string, expiresAt: number): Promise<void>;
  /** Releases the connection. */
  close(): Promise<void>;
}

/**
 * Who people are and which groups they are in (config lists, Okta, GitHub, Google, Microsoft, …).
 *
 * Rules every directory follows, because the core's identity decisions rest on them:
 * - **Primary email only.** A person is found by their primary email address and by nothing else: never by a
 *   login, user name, alias, secondary or alternate email, or id, even where the vendor's lookup would accept
 *   one. A login can be any email-shaped string, so trying it first lets one person be judged as another
 *   whose email equals that login. The email given is already normalised (printable ASCII, ASCII lower case:
 *   `normaliseEmail` in identity.ts); compare the directory's primary email to it with `asciiLower`, never
 *   with Unicode case folding, and treat a person whose primary email is not plain ASCII as unknown.
 * - **Stable ids.** Where the vendor has a stable user id (Okta user id, GitHub node id, Google and Microsoft
 *   object ids), return it as {@link Person.id}: the core records it on the request and compares people by
 *   it, so a reassigned address is not the person it used to name. A directory with no ids leaves `id` unset
 *   and the core falls back to the normalised email.
 * - **Cache bounds.** A configured cache of `0s` means no cached answer is ever used, on every path
 *   (membership, member lists, person lookups), not merely that nothing new is written.
 */
export interface Directory {
  /** Looks a person up by primary email only; undefined when the directory does not know them. */
  findPerson(email: string): Promise<Person | undefined>;
  /**
   * Every member of the group, ACTIVE or not (callers filter on `active`). Throws an UpstreamError with
   * code `directory.group_not_found` naming the group when it does not exist.
   */
  groupMembers(group: string): Promise<Person[]>;
  /** Whether the person (found by primary email) is ACTIVE and a member of the group now (at most a few minutes stale). */
  isActiveMember(email: string, group: string): Promise<boolean>;
  /**
   * What the directory says about one group, for people to read (`kubiya-jit approvers`): where it was
   * found, each member with how they are in it, and the accounts it could not map to a person. Optional:
   * without it, callers explain the group from `groupMembers`.
   */
  describeGroup?(group: string): Promise<GroupReport>;
}

/** One member of a group as the directory explains it. */
export interface GroupMemberReport {
  person: Person;
  /** How the person is in the group or where their email came from ("through child team acme/sre"). */
  note?: string;
}

/** A directory's answer about one group: its members, and accounts in it that are no person it knows. */
export interface GroupReport {
  /** The group as the directory names it ("GitHub team acme/platform", "Google group ops@example.com"). */
  source: string;
  members: GroupMemberReport[];
  /** Accounts in the group with no known email (a GitHub login nobody mapped): reported, never matched. */
  unmatched: { account: string; reason: string }[];
}

/** One knowledge document that matched a request, with the groups that own its subject. */
export interface KnowledgeMatch {
  document: string;
  title: string;
  score: number;
  groups: string[];
  tools: string[];
}

/** Retrieval over the organisation's knowledge documents. */
export interface KnowledgeIndex {
  /** The best matches for the query text, best first. */
  search(query: string, limit: number): Promise<KnowledgeMatch[]>;
}

/** The moments the requester hears about. */
export type RequesterNotice =
  | 'approved'
  | 'rejected'
  | 'expiring'
  | 'expired'
  | 'revoked'
  | 'failed'
  | 'timed_out'
  | 'not_posted';

/** Sends and updates the messages people see (the approvers' channel, the requester's DMs). */
export interface Notifier {
  /**
   * Resolves once the notifier is configured to send (a token, a channel), and throws a ConfigError naming
   * the missing setting otherwise; checked before a request is stored, so a request is never left unposted.
   */
  ready?(): Promise<void>;
  /** Posts the approval request with Approve / Reject buttons to the approvers' channel. */
  postApprovalRequest(request: AccessRequest): Promise<MessageRef>;
  /** Rewrites the approvers' message to show the request's current state; decided requests get no buttons. */
  updateApprovalRequest(ref: MessageRef, request: AccessRequest): Promise<void>;
  /** Sends the requester a direct message about their request. */
  notifyRequester(request: AccessRequest, notice: RequesterNotice): Promise<void>;
  /** Alerts the approvers' channel that something needs a person (revocation keeps failing). */
  alertApprovers(request: AccessRequest, text: string): Promise<void>;
  /** Posts a notice to the approvers' channel about no one request (the config cannot be read). */
  alertChannel?(text: string): Promise<void>;
}

/** A time-bound allow for a Kubiya tool run. */
export interface EnforcerGrant {
  grantId: string;
  requestId: string;
  userEmail: string;
  toolName: string;
  parameters: Record<string, Json>;
  /** Epoch milliseconds after which the allow must no longer hold, even if `remove` never comes. */
  expiresAt: number;
  /** The approver, for Enforcers that record who approved. */
  approvedBy: string;
  /** The Enforcer's own request id, when the request began as an Enforcer denial. */
  enforcerRequestId?: string;
}

/** A tool run the Enforcer denied, as it recorded it. */
export interface EnforcerDenial {
  toolName: string;
  parameters: Record<string, Json>;
  userEmail: string;
}

/** A denial the Enforcer lists as still waiting (not yet approved), with the id it gave the person. */
export interface PendingDenial extends EnforcerDenial {
  id: string;
}

/** The Kubiya Enforcer (or an OPA-based one): where tool-run allows are written. */
export interface Enforcer {
  readonly kind: string;
  /** What a denied tool run was, by the id the Enforcer gave the person; only Enforcers that keep denials have it. */
  describeDenial?(enforcerRequestId: string): Promise<EnforcerDenial>;
  /** The denials still waiting for approval; only Enforcers that keep denials have it. */
  pendingDenials?(): Promise<PendingDenial[]>;
  /**
   * Approves the denied run `enforcerRequestId` under `grant` (its approver, until its expiry). Only Enforcers
   * that keep denials have it; the caller has checked that the run is within the grant's scope.
   */
  approveDenial?(enforcerRequestId: string, grant: EnforcerGrant): Promise<void>;
  /** Writes the time-bound allow. Writing the same grant again is success. */
  allow(grant: EnforcerGrant): Promise<void>;
  /** Removes the allow. Removing one that is not there is success. */
  remove(grant: EnforcerGrant): Promise<void>;
}

/** Everything a provider needs to grant or revoke one request's access. Keyed by `grantId`. */
export interface GrantContext {
  grantId: string;
  requestId: string;
  /** The person receiving access. */
  userEmail: string;
  toolName: string;
  params: Record<string, Json>;
  expiresAt: number;
  approvedBy: string;
  /** The catalog entry's provider settings (account, policy name, buckets, …). */
  settings: Record<string, Json>;
  /** The Enforcer's own request id, when the request began as an Enforcer denial. */
  enforcerRequestId?: string;
}

/**
 * Grants and revokes access at one kind of target. `grant` and `revoke` are idempotent and keyed by the
 * grant id; every resource created is tagged or named with it. Optional capabilities are detected when present.
 */
export interface AccessProvider {
  readonly name: string;
  /** Grants the access. A grant that fails halfway undoes what it did before throwing. */
  grant(ctx: GrantContext): Promise<void>;
  /** Removes the access. Revoking what is already gone is success. */
  revoke(ctx: GrantContext): Promise<void>;
  /** Renders what approval will grant, before approval. */
  describe?(ctx: GrantContext): Promise<GrantPreview>;
  /** Checks, before anything is stored, that the grant can be made (the person maps to a principal, …). */
  validate?(ctx: GrantContext): Promise<void>;
  /**
   * The approver groups the target itself names for this request, read at request time (a namespace's
   * owners); undefined or no groups when it names none. Called after {@link validate}.
   */
  ownerGroups?(ctx: GrantContext): Promise<OwnerRouting | undefined>;
  /** For requests that began as an Enforcer denial: what was denied, by the Enforcer's request id. */
  describeDenial?(enforcerRequestId: string): Promise<EnforcerDenial>;
  /** Denied runs still waiting at the Enforcer, for approving those an active grant covers. */
  pendingDenials?(): Promise<PendingDenial[]>;
  /** Approves a denied run that the active grant `ctx` covers, for the grant's remaining time. */
  approveDenial?(enforcerRequestId: string, ctx: GrantContext): Promise<void>;
  /**
   * The grant ids of everything this provider finds at its target (by tag, path or name), for
   * reconciliation. Ids that could not be stored in AWS as they are come back as the key AWS holds.
   */
  listGrantIds?(): Promise<string[]>;
  /** The key under which {@link listGrantIds} names a grant, when it is not the grant id (a hash in a statement id). */
  grantKey?(grantId: string): string;
  /**
   * Reconciliation of what the provider wrote that no single grant id names (session denies, attachments no
   * live hold accounts for), at the targets of `entries` (the settings of the catalog entries it serves).
   * With `fix`, removes only what the package wrote and is over.
   */
  inspect?(options: { fix: boolean; now: number; entries: Record<string, Json>[] }): Promise<TargetFinding[]>;
  /**
   * Does a {@link FollowUp} this provider scheduled. Returns when it must run again (more left to do later),
   * or undefined when it is done; throwing leaves it scheduled for a retry with backoff.
   */
  followUp?(data: Record<string, Json>, now: number): Promise<number | undefined>;
}

/** Owners a provider found for a request's targets, and the targets that name none. */
export interface OwnerRouting {
  groups: string[];
  /** One sentence a person can read: "payments is owned by payments-owners (namespace annotation)". */
  explanation: string;
  /** Targets with no owner of their own ("checkout"): the usual routing adds its groups for them. */
  uncovered: string[];
  /**
   * Which groups own which targets ("payments" → payments-owners). Each distinct set of owning groups must
   * approve on its own; without it, any one of `groups` approves for every target.
   */
  owners?: { groups: string[]; targets: string[] }[];
}

/** One thing a provider's {@link AccessProvider.inspect} found at its targets. */
export interface TargetFinding {
  /** What and where, for a person: "session deny for dev@example.com on role prod-deploy". */
  what: string;
  /** `active`: still needed; `leftover`: the package wrote it and it is over; `unaccounted`: no live hold or request accounts for it, and it may not be the package's (never removed). */
  state: 'active' | 'leftover' | 'unaccounted';
  removed?: boolean;
  error?: string;
}

/** Finds providers by name, loading their SDKs only when first asked. */
export interface ProviderRegistry {
  get(name: string): Promise<AccessProvider>;
  /**
   * What to record at approval (into `GrantTarget.pinned`) so that removal needs nothing from the config of
   * the day: the resolved principal, the instance, how the target is reached. Undefined when nothing is needed.
   */
  pin?(target: GrantTarget, ctx: GrantContext): Promise<Record<string, Json> | undefined>;
  /**
   * The provider to remove `ctx`'s grant with: built from what `target.pinned` recorded (today's config where
   * it can only help, such as a corrected address), with short per-call timeouts and few SDK retries, so one
   * removal attempt cannot hang for long. Registries without it remove with `get(target.provider)`.
   */
  forRemoval?(target: GrantTarget, ctx: GrantContext): Promise<AccessProvider>;
}

/** Where the core writes what an operator should see (never shown to the person). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
