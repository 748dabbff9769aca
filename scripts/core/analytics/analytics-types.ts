/**
 * The shapes of access analytics: what it is asked (a window, filters, settings, the stored history) and what
 * it answers. docs/analytics.md defines every figure; the names here match its headings.
 */
import type { AuditCheckpoint, ChainVerdict } from '../audit-chain.js';
import type { AccessRequest, AuditEvent } from '../types.js';

/** The half-open interval `[from, to)` of epoch milliseconds the figures cover. */
export interface AnalyticsWindow {
  from: number;
  to: number;
}

/** Narrows every figure to requests for one tool, one provider, or one approver group. */
export interface AnalyticsFilter {
  tool?: string;
  provider?: string;
  /** An approver group of the request. */
  group?: string;
}

/** The thresholds behind the security and pattern figures, from the config's `analytics` section. */
export interface AnalyticsSettings {
  /** IANA zone for hours, weekdays, days and working hours. */
  timeZone: string;
  /** Working hours, in minutes after local midnight: `[start, end)`. */
  workStartMinute: number;
  workEndMinute: number;
  /** Working days, ISO weekdays (1 = Monday … 7 = Sunday). */
  workDays: readonly number[];
  /** An approval faster than this, from the request's creation, is counted as a possible rubber stamp. */
  rubberStampSeconds: number;
  /** This many requests of the same access by the same person in the window make a standing-access candidate. */
  standingAccessMinRequests: number;
  /** One approver giving at least this share of the approvals (0–1) is flagged as concentration. */
  concentrationShare: number;
  /** Access that outlived its TTL by more than this is counted as outliving it. */
  expiryLagToleranceSeconds: number;
  /** How many people and tools the "top" lists show. */
  top: number;
}

/** Defaults used where the config says nothing. */
export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = {
  timeZone: 'UTC',
  workStartMinute: 9 * 60,
  workEndMinute: 18 * 60,
  workDays: [1, 2, 3, 4, 5],
  rubberStampSeconds: 30,
  standingAccessMinRequests: 5,
  concentrationShare: 0.5,
  expiryLagToleranceSeconds: 60,
  top: 10,
};

/**
 * The part of a request analytics reads. Stores return only these fields for analytics, so reading 100,000
 * requests builds 100,000 small objects rather than parsing every request's full body.
 */
export type RequestFacts = Pick<
  AccessRequest,
  'id' | 'status' | 'toolName' | 'toolParams' | 'requester' | 'decidedBy' | 'approverGroups' | 'ttlSeconds' | 'createdAt' | 'decidedAt' | 'grantedAt' | 'expiresAt' | 'endedAt' | 'endAttempts'
> & {
  preview: Pick<AccessRequest['preview'], 'provider'>;
  grantedWith?: Pick<NonNullable<AccessRequest['grantedWith']>, 'provider'>;
};

/** The part of an audit event analytics reads: everything but the chain's hashes, which the chain check reads itself. */
export type EventFacts = Omit<AuditEvent, 'prevHash' | 'hash'>;

/** Everything the figures are computed from. The history may hold more than the window: each figure picks its own. */
export interface AnalyticsInput {
  window: AnalyticsWindow;
  /** The instant "now" figures (active grants, access still outliving its TTL) refer to. */
  now: number;
  filter: AnalyticsFilter;
  settings: AnalyticsSettings;
  /** At least every request whose life overlaps the window, and every request still open. */
  requests: readonly RequestFacts[];
  /**
   * At least the audit events of the analysed types (`ANALYTICS_EVENT_TYPES`, and the `request_approved`
   * events that record an asked-for TTL) from one day before the window to its end.
   */
  events: readonly EventFacts[];
  /**
   * The verdict on the audit log, when it was checked: on the whole log, or (with `checkpoint`) on the events
   * from a checkpoint on, `rehashed` of them.
   */
  chain?: ChainVerdict & { checkpoint?: AuditCheckpoint; rehashed?: number };
}

/** A name and how many. */
export interface Count {
  name: string;
  count: number;
}

/** A duration distribution in seconds: nearest-rank percentiles. */
export interface Distribution {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  maxSeconds: number | null;
}

/** One bar of a histogram: `[fromSeconds, toSeconds)`; `toSeconds` null for the last, open bar. */
export interface Bin {
  label: string;
  fromSeconds: number;
  toSeconds: number | null;
  count: number;
}

/** The outcome a request has now, for the timeline. */
export type Outcome = 'approved' | 'rejected' | 'cancelled' | 'timed_out' | 'failed' | 'pending';

/** Requests created in one bucket of the window (a local day or week), by their outcome now. */
export interface TimelineBucket {
  /** Local date the bucket starts, `YYYY-MM-DD`. */
  start: string;
  counts: Record<Outcome, number>;
}

/** Something a person should look at, in one sentence. */
export interface Finding {
  code: string;
  severity: 'critical' | 'warning' | 'info';
  message: string;
  count: number;
}

/** The same access asked for again and again by one person. */
export interface StandingAccessCandidate {
  requester: string;
  tool: string;
  params: AccessRequest['toolParams'];
  requests: number;
  approved: number;
}

/** Every figure, for one window and filter. */
export interface AnalyticsReport {
  window: AnalyticsWindow;
  generatedAt: number;
  timeZone: string;
  filter: AnalyticsFilter;
  usage: UsageFigures;
  patterns: PatternFigures;
  security: SecurityFigures;
  findings: Finding[];
}

/** How much the package was used. */
export interface UsageFigures {
  requests: number;
  approvals: number;
  rejections: number;
  cancellations: number;
  timeouts: number;
  failures: number;
  pendingNow: number;
  grants: number;
  grantsByProvider: Count[];
  grantsByEntry: Count[];
  grantedHours: number;
  activeGrantsNow: number;
  topRequesters: (Count & { approved: number })[];
  topTools: (Count & { approved: number })[];
  timeline: { bucket: 'day' | 'week'; buckets: TimelineBucket[] };
}

/** How access is asked for and used. */
export interface PatternFigures {
  timeToDecision: Distribution;
  decisionTimeHistogram: Bin[];
  timeToAccess: Distribution;
  ttl: {
    grants: number;
    askedHours: number;
    grantedHours: number;
    /** Hours of access actually held by grants that have ended (up to their TTL). */
    usedHours: number;
    endedGrants: number;
    shortenedByApprover: number;
    revokedEarly: number;
    /** Hours handed back by early revocations: expiry minus end, summed. */
    revokedEarlyHours: number;
    revokedEarlyBy: Distribution;
  };
  /** Requests created, by local weekday (index 0 = Monday) and hour. */
  byWeekdayHour: number[][];
  standingAccess: StandingAccessCandidate[];
}

/** What deserves a second look. */
export interface SecurityFigures {
  selfApprovalAttempts: number;
  refusedDecisions: { total: number; byReason: Count[] };
  refusedRequests: { total: number; byReason: Count[] };
  approvalConcentration: {
    approvals: number;
    approvers: number;
    top: (Count & { share: number })[];
    /** The fewest approvers who together gave at least half of the approvals. */
    peopleForHalf: number;
    concentrated: boolean;
  };
  rubberStamps: { count: number; thresholdSeconds: number; byApprover: Count[] };
  /** `workingTime` states the configured hours: "Mon,Tue,Wed,Thu,Fri 09:00-18:00 Europe/Berlin". */
  offHoursGrants: { count: number; grants: number; workingTime: string };
  failedGrants: number;
  abandonedGrants: number;
  removalRetries: { requests: number; failedAttempts: number; stillFailing: number };
  expiryLag: Distribution & { outlived: number; toleranceSeconds: number; stillOutliving: number; histogram: Bin[] };
  reconcile: { runs: number; lastRunAt: number | null; leftoversFound: number; leftoversRemoved: number; unknownFound: number };
  /**
   * The audit chain's state. `events` counts the whole log. With `sinceCheckpoint`, only the events from
   * that checkpoint on were rehashed (the ones before were verified at `verifiedAt`); without it, all were.
   */
  auditChain: {
    checked: boolean;
    ok: boolean | null;
    events: number | null;
    headHash: string | null;
    problem: string | null;
    sinceCheckpoint?: { seq: number; verifiedAt: number; rehashed: number };
  };
}
