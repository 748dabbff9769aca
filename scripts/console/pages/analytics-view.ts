import { buildAnalyticsSettings } from '../../config/build-analytics-settings.js';
import { analyticsForApprover } from '../../core/use-cases/access-analytics.js';
import { analyticsRows } from '../../reports/analytics-rows.js';
import { windowText } from '../../reports/analytics-text.js';
import { h } from './html.js';
import { param, type View } from './view.js';

/**
 * Analytics: the figures of `access_analytics` (usage, patterns, security) for the approver looking, with the
 * same scope and rules as the tool (an approver sees the entries they approve), as tables.
 */
export const analyticsView: View = {
  name: 'analytics',
  async render({ ctx, page, query }) {
    const filters = { since: param(query, 'since'), until: param(query, 'until'), tool: param(query, 'tool_name'), provider: param(query, 'provider'), group: param(query, 'group') };
    const report = await analyticsForApprover(await ctx.deps(), buildAnalyticsSettings(ctx.config.file), page.email, filters);
    const field = (name: string, label: string, value: string | undefined, placeholder = '') =>
      h`<div><label for="a-${name}">${label}</label><input type="text" id="a-${name}" name="${name}" value="${value ?? ''}" placeholder="${placeholder}"></div>`;
    const body = h`<h1>Analytics</h1><p class="muted small">${windowText(report)}</p>
      <form method="get" action="/analytics" class="card grid">${field('since', 'Since', filters.since, '30d')}${field('until', 'Until', filters.until)}
        ${field('tool_name', 'Tool', filters.tool)}${field('provider', 'Provider', filters.provider)}${field('group', 'Approver group', filters.group)}
        <p><button class="secondary" type="submit">Show</button></p></form>
      ${analyticsRows(report).map(
        ([title, rows]) => h`<h2>${title}</h2><table data-testid="analytics-${title.toLowerCase()}"><tbody>${rows.map(([label, value]) => h`<tr><th>${label}</th><td>${value}</td></tr>`)}</tbody></table>`,
      )}`;
    return { title: 'Analytics', body };
  },
};
