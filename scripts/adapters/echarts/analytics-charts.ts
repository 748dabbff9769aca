/**
 * The five analytics charts as ECharts options, rendered server-side to SVG: requests over time by outcome,
 * the decision-time distribution, the weekday × hour heat map, the top tools, and expiry lag. Each comes with
 * a title and a one-sentence description (the alt text for images, the caption on the page).
 */
import type { EChartsOption } from 'echarts';
import type { AnalyticsReport, Bin, Outcome } from '../../core/analytics/analytics-types.js';
import { renderSvg } from './echarts-svg.js';

/** The charts every face shows, by name. */
export type ChartName = 'timeline' | 'decision_time' | 'weekday_hour' | 'top_tools' | 'expiry_lag';

/** One rendered chart. */
export interface RenderedChart {
  name: ChartName;
  title: string;
  /** What the chart shows, in words (alt text). */
  description: string;
  svg: string;
  width: number;
  height: number;
}

const WIDTH = 640;
const HEIGHT = 320;
const OUTCOME_COLOURS: Record<Outcome, string> = {
  approved: '#2e7d32',
  rejected: '#c62828',
  cancelled: '#9e9e9e',
  timed_out: '#ef6c00',
  failed: '#6a1b9a',
  pending: '#1565c0',
};
const OUTCOME_LABELS: Record<Outcome, string> = {
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  timed_out: 'timed out',
  failed: 'failed',
  pending: 'pending',
};
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BASE = { backgroundColor: '#ffffff', grid: { left: 56, right: 24, top: 56, bottom: 48 } } as const;

const CHARTS: Record<ChartName, (report: AnalyticsReport) => RenderedChart> = {
  timeline: timelineChart,
  decision_time: decisionTimeChart,
  weekday_hour: weekdayHourChart,
  top_tools: topToolsChart,
  expiry_lag: expiryLagChart,
};

/** Renders every chart of the report, in the order the faces show them. */
export function renderAnalyticsCharts(report: AnalyticsReport): RenderedChart[] {
  return (Object.keys(CHARTS) as ChartName[]).map((name) => CHARTS[name](report));
}

/** Renders one chart by name. */
export function renderAnalyticsChart(report: AnalyticsReport, name: ChartName): RenderedChart {
  return CHARTS[name](report);
}

function chart(name: ChartName, title: string, description: string, option: EChartsOption, height = HEIGHT): RenderedChart {
  // Static images: no hover styles (which ECharts would write into each SVG's <style>).
  const series = (Array.isArray(option.series) ? option.series : [option.series]).map((s) => ({ ...s, silent: true }));
  const svg = renderSvg({ ...BASE, title: { text: title, left: 12, top: 10, textStyle: { fontSize: 15 } }, ...option, series } as EChartsOption, WIDTH, height);
  return { name, title, description, svg, width: WIDTH, height };
}

function timelineChart(report: AnalyticsReport): RenderedChart {
  const { bucket, buckets } = report.usage.timeline;
  const outcomes = Object.keys(OUTCOME_COLOURS) as Outcome[];
  return chart(
    'timeline',
    `Requests per ${bucket}, by outcome`,
    `Requests created each ${bucket} of the window, stacked by their outcome: ${outcomes.map((o) => `${OUTCOME_LABELS[o]} ${buckets.reduce((n, b) => n + b.counts[o], 0)}`).join(', ')}.`,
    {
      grid: { left: 56, right: 24, top: 48, bottom: 64 },
      legend: { bottom: 6, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
      xAxis: { type: 'category', data: buckets.map((b) => b.start.slice(5)), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: outcomes.map((outcome) => ({
        name: OUTCOME_LABELS[outcome],
        type: 'bar',
        stack: 'outcome',
        color: OUTCOME_COLOURS[outcome],
        data: buckets.map((b) => b.counts[outcome]),
      })),
    },
  );
}

function histogramChart(name: ChartName, title: string, what: string, bins: Bin[], colour: string): RenderedChart {
  return chart(name, title, `${what}: ${bins.map((b) => `${b.label} ${b.count}`).join(', ')}.`, {
    xAxis: { type: 'category', data: bins.map((b) => b.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', color: colour, data: bins.map((b) => b.count), label: { show: true, position: 'top', fontSize: 10 } }],
  });
}

function decisionTimeChart(report: AnalyticsReport): RenderedChart {
  const d = report.patterns.timeToDecision;
  const title = d.count ? `Time to decision (p50 ${seconds(d.p50Seconds)}, p90 ${seconds(d.p90Seconds)})` : 'Time to decision';
  return histogramChart('decision_time', title, 'Decisions by how long after the request they came', report.patterns.decisionTimeHistogram, '#1565c0');
}

function expiryLagChart(report: AnalyticsReport): RenderedChart {
  const lag = report.security.expiryLag;
  const title = lag.count ? `Expiry lag (p90 ${seconds(lag.p90Seconds)}, worst ${seconds(lag.maxSeconds)})` : 'Expiry lag';
  return histogramChart('expiry_lag', title, 'Grants by how long their access outlived the TTL', lag.histogram, '#ef6c00');
}

function weekdayHourChart(report: AnalyticsReport): RenderedChart {
  const grid = report.patterns.byWeekdayHour;
  const data = grid.flatMap((hours, day) => hours.map((count, hour) => [hour, day, count]));
  const max = Math.max(1, ...grid.flat());
  const busiest = data.reduce((best, cell) => (cell[2]! > best[2]! ? cell : best), [0, 0, 0]);
  return chart(
    'weekday_hour',
    `Requests by weekday and hour (${report.timeZone})`,
    busiest[2] ? `Requests created by local weekday and hour; busiest: ${WEEKDAYS[busiest[1]!]} ${busiest[0]}:00 with ${busiest[2]}.` : 'No requests were created in the window.',
    {
      grid: { left: 56, right: 24, top: 48, bottom: 72 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), splitArea: { show: true } },
      yAxis: { type: 'category', data: WEEKDAYS, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max, calculable: false, hoverLink: false, orient: 'horizontal', left: 'center', bottom: 4, itemHeight: 160, inRange: { color: ['#f1f8e9', '#1b5e20'] } },
      series: [{ type: 'heatmap', data, itemStyle: { borderColor: '#ffffff', borderWidth: 1 } }],
    },
  );
}

function topToolsChart(report: AnalyticsReport): RenderedChart {
  const tools = [...report.usage.topTools].reverse();
  return chart(
    'top_tools',
    'Top tools by requests',
    tools.length ? `Requests per tool, most requested first: ${report.usage.topTools.map((t) => `${t.name} ${t.count} (${t.approved} approved)`).join(', ')}.` : 'No requests were created in the window.',
    {
      grid: { left: 220, right: 32, top: 48, bottom: 32 },
      legend: { top: 12, right: 12, textStyle: { fontSize: 11 } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: tools.map((t) => truncate(t.name, 32)), axisLabel: { fontSize: 10 } },
      series: [
        { name: 'requests', type: 'bar', color: '#90caf9', data: tools.map((t) => t.count), barGap: '-100%' },
        { name: 'approved', type: 'bar', color: '#2e7d32', data: tools.map((t) => t.approved) },
      ],
    },
    Math.max(HEIGHT, 80 + tools.length * 24),
  );
}

function seconds(value: number | null): string {
  if (value === null) return '-';
  if (value < 120) return `${value}s`;
  if (value < 7200) return `${Math.round(value / 60)}m`;
  return `${Math.round(value / 360) / 10}h`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
