import { formatDuration } from '../duration.js';
import type { Finding, PatternFigures, SecurityFigures, AnalyticsSettings } from './analytics-types.js';
import { stableJson } from './scope.js';

/**
 * The figures worth a person's attention, one sentence each, most serious first. Sentences name people and
 * tools as the store has them; faces quote them for their medium.
 */
export function findings(security: SecurityFigures, patterns: PatternFigures, windowDays: number): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, severity: Finding['severity'], count: number, message: string) => {
    if (count > 0) out.push({ code, severity, count, message });
  };
  const chain = security.auditChain;
  if (chain.checked && chain.ok === false) add('audit_chain_broken', 'critical', 1, `Audit log TAMPERED: ${chain.problem}.`);
  add('self_approval_attempts', 'warning', security.selfApprovalAttempts, `${plural(security.selfApprovalAttempts, 'self-approval attempt')} (refused).`);
  const otherRefusals = security.refusedDecisions.total - security.selfApprovalAttempts;
  add('refused_decisions', 'warning', otherRefusals, `${plural(otherRefusals, 'decision')} refused: the person was not an eligible approver.`);
  add('refused_requests', 'warning', security.refusedRequests.total, `${plural(security.refusedRequests.total, 'request')} refused before being stored (${reasons(security.refusedRequests.byReason)}).`);
  const conc = security.approvalConcentration;
  if (conc.concentrated) {
    const top = conc.top[0]!;
    add('approval_concentration', 'warning', top.count, `${top.name} gave ${Math.round(top.share * 100)}% of approvals (${n(top.count)} of ${n(conc.approvals)}).`);
  }
  const stamps = security.rubberStamps;
  add('rubber_stamps', 'warning', stamps.count, `${plural(stamps.count, 'approval')} given under ${stamps.thresholdSeconds}s after the request (${stamps.byApprover.map((c) => `${c.name} ${c.count}`).join(', ')}).`);
  add('failed_grants', 'warning', security.failedGrants, `${plural(security.failedGrants, 'grant')} failed after approval.`);
  add('abandoned_grants', 'warning', security.abandonedGrants, `${plural(security.abandonedGrants, 'grant')} abandoned by a run that died and cleaned up by the sweeper.`);
  const retries = security.removalRetries;
  add('removal_retries', retries.stillFailing > 0 ? 'critical' : 'warning', retries.requests, `${plural(retries.requests, 'removal')} needed retries (${plural(retries.failedAttempts, 'failed attempt')}); ${n(retries.stillFailing)} still failing now.`);
  const lag = security.expiryLag;
  add('expiry_lag', 'warning', lag.outlived, `${plural(lag.outlived, 'grant')} outlived their TTL by more than ${formatDuration(lag.toleranceSeconds)} (worst ${formatDuration(lag.maxSeconds ?? 0)}).`);
  add('still_outliving', 'critical', lag.stillOutliving, `${plural(lag.stillOutliving, 'grant')} past their TTL are still not removed.`);
  const rec = security.reconcile;
  add('reconcile_findings', 'warning', rec.leftoversFound + rec.unknownFound, `reconcile found ${plural(rec.leftoversFound, 'leftover')} (${n(rec.leftoversRemoved)} removed) and ${n(rec.unknownFound)} unknown.`);
  const off = security.offHoursGrants;
  add('off_hours_grants', 'info', off.count, `${plural(off.count, 'grant')} of ${n(off.grants)} made outside working hours (${off.workingTime}).`);
  for (const candidate of patterns.standingAccess) {
    const params = Object.keys(candidate.params).length ? ` ${stableJson(candidate.params)}` : '';
    add('standing_access', 'info', candidate.requests, `${candidate.requester} asked for ${candidate.tool}${params} ${n(candidate.requests)} times in ${plural(windowDays, 'day')}; consider a role.`);
  }
  return out;
}

/** "Mon-Fri 09:00-18:00 UTC" for the configured working time. */
export function workingHours(settings: AnalyticsSettings): string {
  const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const days = [...settings.workDays].sort().map((d) => names[d - 1]).join(',');
  return `${days} ${hhmm(settings.workStartMinute)}-${hhmm(settings.workEndMinute)} ${settings.timeZone}`;
}

function plural(count: number, noun: string): string {
  return `${n(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function n(count: number): string {
  return count.toLocaleString('en-US');
}

function reasons(counts: { name: string; count: number }[]): string {
  return counts.map((c) => `${c.name.replace(/^request\./, '').replace(/_/g, ' ')} ${c.count}`).join(', ');
}
