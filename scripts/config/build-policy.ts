import { parseDuration } from '../core/duration.js';
import { DEFAULT_POLICY, type PolicySettings } from '../core/settings.js';
import type { JitConfigFile } from './jit-config.js';

/** The core's policy settings from the config file, with defaults for what it leaves out. */
export function buildPolicy(file: JitConfigFile): PolicySettings {
  const seconds = (value: string | undefined, key: string, fallback: number) => (value ? parseDuration(value, key) : fallback);
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
  };
}
