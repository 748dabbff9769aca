import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { buildAnalyticsSettings } from '../../config/build-analytics-settings.js';
import type { AnalyticsReport } from '../../core/analytics/analytics-types.js';
import { UpstreamError } from '../../core/errors.js';
import { accessAnalytics } from '../../core/use-cases/access-analytics.js';
import type { CommandResult } from '../../handlers/handler.js';
import { analyticsJson } from '../../reports/analytics-json.js';
import { analyticsText } from '../../reports/analytics-text.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * `kubiya-jit analytics [--since 30d] [--until …] [--tool …] [--provider …] [--group …] [--html FILE]
 * [--post-slack]`: access analytics as text (or JSON), optionally as a self-contained HTML report and as the
 * weekly digest in the approvers' channel. Reads only: the store is never written. Its options are checked
 * by its spec in operator-commands.ts before this runs.
 */
export async function analyticsCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const text = (name: string): string | undefined => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const settings = buildAnalyticsSettings(ctx.config.file);
  // Slack's settings are checked before anything is computed or written, so a missing token costs nothing.
  const poster = parsed.values['post-slack'] === true ? await (await import('../../adapters/slack/slack-digest.js')).createSlackDigestPoster(ctx.env, ctx.log) : undefined;
  const report = await accessAnalytics({ store: ctx.store(), clock: ctx.clock }, settings, {
    since: text('since'),
    until: text('until'),
    tool: text('tool'),
    provider: text('provider'),
    group: text('group'),
  });
  const lines = [analyticsText(report)];
  const json: Record<string, unknown> = analyticsJson(report);
  const html = text('html');
  if (html !== undefined) {
    const file = await writeHtml(report, html);
    lines.push('', `Wrote the HTML report to ${file}.`);
    json.html_file = file;
  }
  if (poster) {
    const [{ renderAnalyticsChart }, { svgToPng }] = await Promise.all([import('../../adapters/echarts/analytics-charts.js'), import('../../adapters/resvg/svg-to-png.js')]);
    const chart = renderAnalyticsChart(report, 'timeline');
    const png = await svgToPng(chart.svg, chart.width * 2);
    const date = new Date(report.window.to).toISOString().slice(0, 10);
    const posted = await poster.post(report, { png, filename: `access-analytics-${date}.png`, title: chart.title, altText: chart.description });
    lines.push('', `Posted the digest to ${posted.channel} (message ${posted.ts}) with the chart ${posted.fileId}.`);
    json.slack = { channel: posted.channel, ts: posted.ts, file_id: posted.fileId };
  }
  return { human: lines.join('\n'), json };
}

/**
 * Renders the report and writes it whole (a temporary file renamed into place), so no half-written report is
 * left. The folder must exist: creating folders from a typo is how files end up somewhere unexpected.
 */
async function writeHtml(report: AnalyticsReport, path: string): Promise<string> {
  const [{ renderAnalyticsCharts }, { renderAnalyticsPage, analyticsHtmlDocument }] = await Promise.all([
    import('../../adapters/echarts/analytics-charts.js'),
    import('../../reports/analytics-page.js'),
  ]);
  const document = analyticsHtmlDocument(renderAnalyticsPage(report, renderAnalyticsCharts(report)));
  const file = resolve(path);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, document, { flag: 'wx' });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code ?? 'an error';
    throw new UpstreamError('analytics.html_not_written', `Could not write the HTML report to ${file} (${code}). Choose a file in a folder you can write, such as --html ./analytics.html.`, { cause: err });
  }
  return file;
}
