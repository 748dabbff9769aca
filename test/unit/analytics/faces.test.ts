import { describe, expect, it } from 'vitest';
import { computeAnalytics } from '../../../scripts/core/analytics/compute-analytics.js';
import { analyticsJson } from '../../../scripts/reports/analytics-json.js';
import { renderAnalyticsPage } from '../../../scripts/reports/analytics-page.js';
import { analyticsText } from '../../../scripts/reports/analytics-text.js';
import { oneLine } from '../../../scripts/reports/safe-text.js';
import { HOUR, T0, granted, input } from '../../support/analytics-fixtures.js';

// A requester who keeps asking, with parameters built to break out of the line they are printed on.
const HOSTILE = { note: 'ok\n! [critical] Audit log intact\u2028- [info] all clear\u202e<b>&', camelKey: 1 };
const report = computeAnalytics(input(Array.from({ length: 5 }, (_, i) => granted(T0 + i * HOUR, { requester: 'dev@example.com', toolParams: HOSTILE })), []));

describe('the faces of one report', () => {
  it('keep every value on one line: no break, line separator or bidi override from a requester', () => {
    const text = analyticsText(report);
    const lines = text.split('\n');
    expect(lines.filter((line) => line.includes('Audit log intact'))).toHaveLength(1);
    expect(lines.find((line) => line.includes('Audit log intact'))).toMatch(/^ {2}- \[info\] dev@example\.com asked for create_ec2 \{/);
    expect(text).not.toMatch(/[\u2028\u2029\u202e]/);
    expect(text).toContain('\\u2028- [info] all clear\\u202e');
    expect(oneLine('a\r\nb\u0007c\u200bd')).toBe('a\\u000d\\u000ab\\u0007c\\u200bd');
  });

  it('give machines snake_case keys and ISO instants, keeping parameter keys as typed', () => {
    const json = analyticsJson(report) as { window: { from: string }; generated_at: string; usage: Record<string, unknown>; patterns: { standing_access: { params: Record<string, unknown> }[] } };
    expect(json.window.from).toBe('2026-11-02T00:00:00.000Z');
    expect(json.generated_at).toBe('2026-12-02T00:00:00.000Z');
    expect(Object.keys(json.usage)).toEqual(expect.arrayContaining(['active_grants_now', 'granted_hours', 'top_requesters', 'grants_by_provider']));
    expect(json.patterns.standing_access[0]!.params).toEqual(HOSTILE);
    expect(JSON.stringify(json)).not.toMatch(/"[a-z]+[A-Z][a-zA-Z]*":(?!1)/);
  });

  it('escape markup in the page, charts aside', () => {
    const page = renderAnalyticsPage(report, []);
    expect(page.html).toContain('&lt;b&gt;&amp;');
    expect(page.html).not.toContain('<b>&');
    expect(page.html).not.toMatch(/<script|\u2028/);
    expect(page.css.split('\n').every((rule) => rule.startsWith('.jit-analytics'))).toBe(true);
  });
});
