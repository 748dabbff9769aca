import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { buildAnalyticsSettings } from '../../config/build-analytics-settings.js';
import type { AnalyticsReport } from '../../core/analytics/analytics-types.js';
import { UpstreamError, ValidationError } from '../../core/errors.js';
import { accessAnalytics } from '../../core/use-cases/access-analytics.js';
import type { CommandResult } from '../../handlers/handler.js';
import { analyticsJson } from '../../reports/analytics-json.js';
import { analyticsText } from '../../reports/analytics-text.js';
import type { ParsedArgv } from '../parse-argv.js';

const OPTIONS = new Set(['since', 'until', 'tool', 'provider', 'group', 'html', 'output']);
const FLAGS = new Set(['post-slack', 'json', 'help']);

/**
 * `kubiya-jit analytics [--since 30d] [--until …] [--tool …] [--provider …] [--group …] [--html FILE]
 * [--post-slack]`: access analytics as text (or JSON), optionally as a self-contained HTML report and as the
 * weekly digest in the approvers' channel. Reads only: the store is never written.
 */
export async function analyticsCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  checkArguments(argv);
  const settings = buildAnalyticsSettings(ctx.config.file);
  // Slack's settings are checked before anything is computed or written, so a missing token costs nothing.
  const poster = argv.flags.has('post-slack') ? await (await import('../../adapters/slack/slack-digest.js')).createSlackDigestPoster(ctx.env, ctx.log) : undefined;
  const report = await accessAnalytics({ store: ctx.store(), clock: ctx.clock }, settings, {
    since: argv.options.since,
    until: argv.options.until,
    tool: argv.options.tool,
    provider: argv.options.provider,
    group: argv.options.group,
  });
  const lines = [analyticsText(report)];
  const json: Record<string, unknown> = analyticsJson(report);
  if (argv.options.html !== undefined) {
    const file = await writeHtml(report, argv.options.html);
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

function checkArguments(argv: ParsedArgv): void {
  const unknown = [...Object.keys(argv.options).filter((k) => !OPTIONS.has(k)), ...[...argv.flags].filter((f) => !FLAGS.has(f))];
  if (unknown.length > 0 || argv.positional.length > 0) {
    const what = unknown.length ? `--${unknown[0]}` : `"${argv.positional[0]!.slice(0, 40)}"`;
    throw new ValidationError(
      'cli.analytics_usage',
      `analytics does not take ${what}. Use kubiya-jit analytics [--since 30d] [--until DATE] [--tool NAME] [--provider NAME] [--group NAME] [--html FILE] [--post-slack] [--output json].`,
    );
  }
  if (argv.options.html !== undefined && !argv.options.html.trim()) throw new ValidationError('cli.analytics_usage', '--html needs a file name, such as --html analytics.html.');
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
