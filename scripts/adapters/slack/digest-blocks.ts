/**
 * The weekly analytics digest as a Slack message: a few lines of numbers, the security findings and the
 * standing-access candidates. Every value from the store is put on one line and mrkdwn-escaped, so nothing a
 * requester typed can mention a channel, forge a link or pose as a line of the digest.
 */
import type { AnalyticsReport } from '../../core/analytics/analytics-types.js';
import { windowText } from '../../reports/analytics-text.js';
import { oneLine } from '../../reports/safe-text.js';
import { context, header, section, type SlackMessage } from './block-kit.js';
import { joinLines, LIMITS, mrkdwn } from './mrkdwn.js';

/** Renders the digest for the report's window. */
export function renderDigest(report: AnalyticsReport): SlackMessage {
  const { usage: u, patterns: p, security: s } = report;
  const days = Math.round((report.window.to - report.window.from) / 86_400_000);
  const numbers = [
    `*Requests* ${n(u.requests)} · *approved* ${n(u.approvals)} · *rejected* ${n(u.rejections)} · *timed out* ${n(u.timeouts)} · *cancelled* ${n(u.cancellations)}`,
    `*Grants* ${n(u.grants)} (${n(u.grantedHours)} h granted) · *active now* ${n(u.activeGrantsNow)} · *pending now* ${n(u.pendingNow)}`,
    `*Time to decision* p50 ${secs(p.timeToDecision.p50Seconds)}, p90 ${secs(p.timeToDecision.p90Seconds)} · *expiry lag* p90 ${secs(s.expiryLag.p90Seconds)}, worst ${secs(s.expiryLag.maxSeconds)}`,
    `*Audit log* ${s.auditChain.checked ? (s.auditChain.ok ? `intact (${n(s.auditChain.events ?? 0)} events)` : '*TAMPERED*') : 'not checked'}`,
  ];
  const security = report.findings.filter((f) => f.severity !== 'info');
  const standing = report.findings.filter((f) => f.code === 'standing_access');
  const line = (icon: string) => (f: { message: string }) => `${icon} ${mrkdwn(oneLine(f.message, 400), 600)}`;
  const blocks = [
    header(`Access analytics: the last ${days} day${days === 1 ? '' : 's'}`),
    section(numbers.join('\n'), 'jit_digest_numbers'),
    section(
      security.length ? `*Security findings*\n${joinLines(security.map(line(':warning:')), LIMITS.sectionText - 30)}` : '*Security findings*\nNone: nothing needs a second look.',
      'jit_digest_security',
    ),
    ...(standing.length ? [section(`*Standing-access candidates*\n${joinLines(standing.map(line('•')), LIMITS.sectionText - 40)}`, 'jit_digest_standing')] : []),
    context([mrkdwn(windowText(report), 500), 'Full report: `kubiya-jit analytics --html report.html`']),
  ];
  const text = `Access analytics: ${n(u.requests)} requests, ${n(u.grants)} grants, ${security.length} security finding${security.length === 1 ? '' : 's'} in the last ${days} days`;
  return { text, blocks };
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function secs(value: number | null): string {
  if (value === null) return '-';
  return value < 120 ? `${value}s` : value < 7200 ? `${Math.round(value / 60)}m` : `${Math.round(value / 360) / 10}h`;
}
