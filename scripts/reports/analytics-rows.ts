import type { AnalyticsReport, Count, Distribution } from '../core/analytics/analytics-types.js';
import { formatDuration } from '../core/duration.js';
import { oneLine } from './safe-text.js';

/** One section of figures: its title and `[label, value]` rows, every value already on one safe line. */
export type Section = [title: string, rows: [label: string, value: string][]];

/**
 * Every figure of the report as labelled rows in three sections (usage, patterns, security): what the text
 * face prints and the page shows as tables, so both say the same thing in the same words.
 */
export function analyticsRows(report: AnalyticsReport): Section[] {
  const { usage: u, patterns: p, security: s } = report;
  return [
    [
      'Usage',
      [
        ['Requests', `${n(u.requests)} created in the window`],
        ['Decisions', `${n(u.approvals)} approved, ${n(u.rejections)} rejected`],
        ['Closed without access', `${n(u.cancellations)} cancelled, ${n(u.timeouts)} timed out, ${n(u.failures)} failed`],
        ['Grants', `${n(u.grants)} (${n(u.grantedHours)} granted hours)`],
        ['Now', `${n(u.activeGrantsNow)} active grants, ${n(u.pendingNow)} pending requests`],
        ['Grants by provider', counts(u.grantsByProvider)],
        ['Grants by entry', counts(u.grantsByEntry.slice(0, 10))],
        ['Top requesters', ranked(u.topRequesters)],
        ['Top tools', ranked(u.topTools)],
      ],
    ],
    [
      'Patterns',
      [
        ['Time to decision', dist(p.timeToDecision, 'decision')],
        ['Time to access (approval to grant)', dist(p.timeToAccess, 'grant')],
        ['TTL asked / granted / used', `${n(p.ttl.askedHours)} h / ${n(p.ttl.grantedHours)} h / ${n(p.ttl.usedHours)} h (used: ${n(p.ttl.endedGrants)} of ${n(p.ttl.grants)} grants ended)`],
        ['Shortened by the approver', n(p.ttl.shortenedByApprover)],
        ['Revoked early', p.ttl.revokedEarly ? `${n(p.ttl.revokedEarly)}, by a median of ${secs(p.ttl.revokedEarlyBy.p50Seconds)} (${n(p.ttl.revokedEarlyHours)} h handed back)` : '0'],
        ['Busiest hour', busiest(report)],
        ['Standing-access candidates', p.standingAccess.length ? `${p.standingAccess.length} (see the findings)` : 'none'],
      ],
    ],
    [
      'Security',
      [
        ['Self-approval attempts', n(s.selfApprovalAttempts)],
        ['Refused decisions', `${n(s.refusedDecisions.total)}${reasons(s.refusedDecisions.byReason)}`],
        ['Refused requests', `${n(s.refusedRequests.total)}${reasons(s.refusedRequests.byReason)}`],
        ['Approval concentration', concentration(report)],
        [`Approved under ${s.rubberStamps.thresholdSeconds}s`, `${n(s.rubberStamps.count)}${s.rubberStamps.count ? ` (${counts(s.rubberStamps.byApprover)})` : ''}`],
        ['Off-hours grants', `${n(s.offHoursGrants.count)} of ${n(s.offHoursGrants.grants)} (outside ${oneLine(s.offHoursGrants.workingTime, 120)})`],
        ['Failed / abandoned grants', `${n(s.failedGrants)} / ${n(s.abandonedGrants)}`],
        ['Removal retries', `${n(s.removalRetries.requests)} removals (${n(s.removalRetries.failedAttempts)} failed attempts), ${n(s.removalRetries.stillFailing)} still failing`],
        ['Expiry lag', dist(s.expiryLag, 'ended grant')],
        ['Outlived the TTL', `${n(s.expiryLag.outlived)} by more than ${formatDuration(s.expiryLag.toleranceSeconds)}; ${n(s.expiryLag.stillOutliving)} still outliving it now`],
        ['Reconcile', reconcile(report)],
        ['Audit log', chain(report)],
      ],
    ],
  ];
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function secs(value: number | null): string {
  return value === null ? '-' : formatDuration(value);
}

function dist(d: Distribution, noun: string): string {
  if (d.count === 0) return `no ${noun}s`;
  return `p50 ${secs(d.p50Seconds)}, p90 ${secs(d.p90Seconds)}, worst ${secs(d.maxSeconds)} (${n(d.count)} ${noun}${d.count === 1 ? '' : 's'})`;
}

function counts(list: Count[]): string {
  return list.length ? list.map((c) => `${oneLine(c.name, 80)} ${n(c.count)}`).join(', ') : 'none';
}

function ranked(list: (Count & { approved: number })[]): string {
  return list.length ? list.map((c) => `${oneLine(c.name, 80)} ${n(c.count)} (${n(c.approved)} approved)`).join(', ') : 'none';
}

function reasons(list: Count[]): string {
  return list.length ? ` (${list.map((c) => `${oneLine(c.name, 60).replace(/_/g, ' ')} ${n(c.count)}`).join(', ')})` : '';
}

function busiest(report: AnalyticsReport): string {
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  let best = { day: 0, hour: 0, count: 0 };
  report.patterns.byWeekdayHour.forEach((hours, day) => hours.forEach((count, hour) => (count > best.count ? (best = { day, hour, count }) : undefined)));
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return best.count ? `${days[best.day]} ${hh(best.hour)}-${hh(best.hour + 1)} ${oneLine(report.timeZone, 64)} (${n(best.count)} requests)` : 'no requests';
}

function concentration(report: AnalyticsReport): string {
  const c = report.security.approvalConcentration;
  if (c.approvals === 0) return 'no approvals';
  const top = c.top[0]!;
  return `${n(c.approvals)} approvals by ${n(c.approvers)} approver${c.approvers === 1 ? '' : 's'}; most by ${oneLine(top.name, 80)} (${Math.round(top.share * 100)}%); half came from ${c.peopleForHalf} ${c.peopleForHalf === 1 ? 'person' : 'people'}`;
}

function reconcile(report: AnalyticsReport): string {
  const r = report.security.reconcile;
  if (r.runs === 0) return 'no runs in the window';
  return `${n(r.runs)} run${r.runs === 1 ? '' : 's'}, last ${new Date(r.lastRunAt!).toISOString().slice(0, 16).replace('T', ' ')} UTC; ${n(r.leftoversFound)} leftovers found (${n(r.leftoversRemoved)} removed), ${n(r.unknownFound)} unknown`;
}

function chain(report: AnalyticsReport): string {
  const c = report.security.auditChain;
  if (!c.checked) return 'not checked';
  if (!c.ok) return `TAMPERED: ${oneLine(c.problem ?? '', 200)}`;
  const since = c.sinceCheckpoint;
  // Say what was rehashed: a check from a checkpoint trusts the events before it (audit verify checks them all).
  const scope = since
    ? `${n(since.rehashed)} rehashed from event ${n(since.seq)}, verified ${new Date(since.verifiedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC; audit verify checks the whole log`
    : 'all rehashed';
  return `intact, ${n(c.events ?? 0)} events (${scope}), head hash ${c.headHash}`;
}
