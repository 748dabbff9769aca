import type { AnalyticsReport } from '../core/analytics/analytics-types.js';

/**
 * The report as one JSON document for machines: snake_case keys, instants as ISO 8601 strings. Keys inside
 * tool parameters are the requester's and are kept as they are.
 */
export function analyticsJson(report: AnalyticsReport): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const { sinceCheckpoint, ...chainState } = report.security.auditChain;
  const chain = sinceCheckpoint ? { ...chainState, sinceCheckpoint: { ...sinceCheckpoint, verifiedAt: iso(sinceCheckpoint.verifiedAt) } } : chainState;
  const timed = {
    ...report,
    window: { from: iso(report.window.from), to: iso(report.window.to), days: round((report.window.to - report.window.from) / 86_400_000) },
    generatedAt: iso(report.generatedAt),
    security: { ...report.security, reconcile: { ...report.security.reconcile, lastRunAt: iso(report.security.reconcile.lastRunAt) }, auditChain: chain },
  };
  return snake(timed) as Record<string, unknown>;
}

function snake(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => snake(item));
  if (value === null || typeof value !== 'object' || key === 'params') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v, k)]));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
