import { buildAnalyticsSettings } from '../config/build-analytics-settings.js';
import { analyticsForApprover } from '../core/use-cases/access-analytics.js';
import { analyticsJson } from '../reports/analytics-json.js';
import { analyticsText } from '../reports/analytics-text.js';
import type { ToolHandler } from './handler.js';

/** `access_analytics`: the analytics summary for an approver, as text to relay or JSON. */
export const accessAnalyticsHandler: ToolHandler = {
  name: 'access_analytics',
  args: ['since', 'until', 'tool_name', 'provider', 'group'],
  async run(ctx, args) {
    const report = await analyticsForApprover(await ctx.deps(), buildAnalyticsSettings(ctx.config.file), ctx.env.KUBIYA_USER_EMAIL, {
      since: args.since,
      until: args.until,
      tool: args.tool_name,
      provider: args.provider,
      group: args.group,
    });
    return { human: analyticsText(report), json: analyticsJson(report) };
  },
};
