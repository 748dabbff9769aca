import { parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_POLICY, type PolicySettings } from '../core/settings.js';
import type { JitConfigFile } from './jit-config.js';

/** The core's policy settings from the config file, with defaults for what it leaves out. */
export function buildPolicy(file: JitConfigFile): PolicySettings {
  const seconds = (value: string | undefined, key: string, fallback: number) => (value ? parseDuration(value, key) : fallback);
  const lease = seconds(file.expiry?.removal_lease, 'expiry.removal_lease', DEFAULT_POLICY.removalLeaseSeconds);
  // Shorter than a couple of heartbeats and a busy database would lose leases; longer delays crash recovery.
  if (lease < 2 || lease > 300) throw new ConfigError(`expiry.removal_lease is ${file.expiry?.removal_lease}; give a duration from 2s to 5m (default 10s).`);
  return {
    allowedRequesterGroups: file.requesters?.allowed_groups ?? DEFAULT_POLICY.allowedRequesterGroups,
    allowOnBehalf: file.requesters?.allow_on_behalf ?? DEFAULT_POLICY.allowOnBehalf,
    defaultApproverGroups: file.approvals?.default_approver_groups ?? DEFAULT_POLICY.defaultApproverGroups,
    knowledgeGroupAllowlist: file.approvals?.knowledge?.allowlist ?? DEFAULT_POLICY.knowledgeGroupAllowlist,
    knowledgeMinScore: file.approvals?.knowledge?.min_score ?? DEFAULT_POLICY.knowledgeMinScore,
    approvalTimeoutSeconds: seconds(file.approvals?.timeout, 'approvals.timeout', DEFAULT_POLICY.approvalTimeoutSeconds),
    warnBeforeSeconds: seconds(file.expiry?.warn_before, 'expiry.warn_before', DEFAULT_POLICY.warnBeforeSeconds),
    alertAfterFailures: file.expiry?.alert_after_failures ?? DEFAULT_POLICY.alertAfterFailures,
    maxRetryDelaySeconds: seconds(file.expiry?.max_retry_delay, 'expiry.max_retry_delay', DEFAULT_POLICY.maxRetryDelaySeconds),
    grantingLeaseSeconds: seconds(file.expiry?.granting_lease, 'expiry.granting_lease', DEFAULT_POLICY.grantingLeaseSeconds),
    maxRequestsPerHour: file.requesters?.max_requests_per_hour ?? DEFAULT_POLICY.maxRequestsPerHour,
    maxRefusedDecisionsPerRequest: file.approvals?.max_refused_decisions ?? DEFAULT_POLICY.maxRefusedDecisionsPerRequest,
    approvalsRequired: file.approvals?.required ?? DEFAULT_POLICY.approvalsRequired,
    removalConcurrency: file.expiry?.concurrency ?? DEFAULT_POLICY.removalConcurrency,
    removalLeaseSeconds: lease,
    notifyAttempts: file.expiry?.notify_attempts ?? DEFAULT_POLICY.notifyAttempts,
  };
}
