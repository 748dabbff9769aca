import type { AnalyticsReport } from '../core/analytics/analytics-types.js';
import { analyticsRows } from './analytics-rows.js';
import { oneLine } from './safe-text.js';

/**
 * The report as plain text a teammate can relay as it is: the window, then usage, patterns and security, then
 * the findings. Every value from the store passes through {@link oneLine}, so each printed line is the
 * package's own and no value can start a line of its own.
 */
export function analyticsText(report: AnalyticsReport): string {
  const lines = [`Access analytics ${windowText(report)}${filterText(report)}`];
  for (const [title, rows] of analyticsRows(report)) {
    lines.push('', title, ...rows.map(([label, value]) => `  ${label}: ${value}`));
  }
  lines.push('', report.findings.length ? `Findings (${report.findings.length}):` : 'Findings: none');
  lines.push(...report.findings.map((f) => `  ${f.severity === 'info' ? '-' : '!'} [${f.severity}] ${oneLine(f.message, 400)}`));
  return lines.join('\n');
}

/** "from 2026-10-02 12:00 to 2026-11-01 12:00 UTC (30 days; hours and days in Europe/Berlin)". */
export function windowText(report: AnalyticsReport): string {
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const days = Math.round(((report.window.to - report.window.from) / 86_400_000) * 10) / 10;
  return `from ${at(report.window.from)} to ${at(report.window.to)} UTC (${days} day${days === 1 ? '' : 's'}; hours and days in ${oneLine(report.timeZone, 64)})`;
}

function filterText(report: AnalyticsReport): string {
  const parts = Object.entries(report.filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${JSON.stringify(oneLine(String(v), 100))}`);
  return parts.length ? `, only ${parts.join(', ')}` : '';
}
