/** The policy knobs the core applies, resolved from the config with defaults. */
export interface PolicySettings {
  /** Groups whose ACTIVE members may request; empty means anyone the directory knows as ACTIVE. */
  allowedRequesterGroups: string[];
  /** Whether `user_email` may name someone other than the person running the tool. */
  allowOnBehalf: boolean;
  /** Approver groups when neither a mapping nor knowledge gives any. */
  defaultApproverGroups: string[];
  /** Groups knowledge retrieval may return; anything else a document names is ignored. */
  knowledgeGroupAllowlist: string[];
  /** BM25 score a knowledge match must reach to count. */
  knowledgeMinScore: number;
  /** A pending request with no decision after this long times out. */
  approvalTimeoutSeconds: number;
  /** The requester is warned this long before their access expires. */
  warnBeforeSeconds: number;
  /** After this many failed revocation attempts the approvers' channel is alerted. */
  alertAfterFailures: number;
  /** Longest wait between revocation retries. */
  maxRetryDelaySeconds: number;
  /** A request still `granting` after this long was left by a run that died; the sweeper cleans it up. */
  grantingLeaseSeconds: number;
  /** Most requests one person may create (as requester or on someone's behalf) in any hour. */
  maxRequestsPerHour: number;
  /** Most refused decisions (self-approval, not eligible) recorded per request; later ones are refused unrecorded. */
  maxRefusedDecisionsPerRequest: number;
  /** Distinct approvers each requirement of a request needs, unless its entry says otherwise. */
  approvalsRequired: number;
  /** How many removals one sweeper runs at once, so one slow target delays nobody else. */
  removalConcurrency: number;
  /** A removal's lease: renewed while it runs; once it lapses another process may take the removal over. */
  removalLeaseSeconds: number;
  /** Attempts to send one notification before it is given up (and logged as such). */
  notifyAttempts: number;
}

/** Settings used when the config says nothing. */
export const DEFAULT_POLICY: PolicySettings = {
  allowedRequesterGroups: [],
  allowOnBehalf: false,
  defaultApproverGroups: [],
  knowledgeGroupAllowlist: [],
  knowledgeMinScore: 1,
  approvalTimeoutSeconds: 24 * 3600,
  warnBeforeSeconds: 10 * 60,
  alertAfterFailures: 3,
  maxRetryDelaySeconds: 15 * 60,
  grantingLeaseSeconds: 15 * 60,
  maxRequestsPerHour: 20,
  maxRefusedDecisionsPerRequest: 20,
  approvalsRequired: 1,
  removalConcurrency: 8,
  removalLeaseSeconds: 10,
  notifyAttempts: 12,
};

/**
 * The policy used when the config cannot be read at all: only removals run (expiries, retries, abandoned
 * grants). Nothing times out and nobody is warned, since those depend on settings nobody can read now.
 */
export function expiryOnlyPolicy(base: PolicySettings = DEFAULT_POLICY): PolicySettings {
  const never = 100 * 365 * 24 * 3600;
  return { ...base, approvalTimeoutSeconds: never, warnBeforeSeconds: 0 };
}

/** The sweeper's thresholds in milliseconds, from the policy. */
export function dueThresholds(policy: PolicySettings): { warnBeforeMs: number; approvalTimeoutMs: number; grantingLeaseMs: number } {
  return {
    warnBeforeMs: policy.warnBeforeSeconds * 1000,
    approvalTimeoutMs: policy.approvalTimeoutSeconds * 1000,
    grantingLeaseMs: policy.grantingLeaseSeconds * 1000,
  };
}
