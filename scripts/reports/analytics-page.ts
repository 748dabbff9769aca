/**
 * The analytics page: an HTML fragment (summary tiles, findings, the five charts as inline SVG, the figures
 * in tables) with its scoped CSS, for the console to embed, and the same page as a self-contained HTML report
 * that opens with no network: no scripts, no external fonts or images, and a Content-Security-Policy that
 * forbids loading anything.
 */
import type { AnalyticsReport } from '../core/analytics/analytics-types.js';
import type { RenderedChart } from '../adapters/echarts/analytics-charts.js';
import { analyticsRows } from './analytics-rows.js';
import { windowText } from './analytics-text.js';
import { html } from './safe-text.js';

/** What a host page needs to show analytics: the fragment, its stylesheet, and the charts on their own. */
export interface AnalyticsPage {
  /** A `<section class="jit-analytics">` element, charts inline. */
  html: string;
  /** CSS scoped to `.jit-analytics`. */
  css: string;
  charts: RenderedChart[];
}

/** No script, no fetch, no frame, no font or image from anywhere: styles inline only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";

/** Builds the embeddable page from a report and its rendered charts. */
export function renderAnalyticsPage(report: AnalyticsReport, charts: RenderedChart[]): AnalyticsPage {
  const u = report.usage;
  const tiles: [string, string][] = [
    ['Requests', num(u.requests)],
    ['Approved', num(u.approvals)],
    ['Grants', num(u.grants)],
    ['Active now', num(u.activeGrantsNow)],
    ['Decision p50', seconds(report.patterns.timeToDecision.p50Seconds)],
    ['Findings', num(report.findings.filter((f) => f.severity !== 'info').length)],
  ];
  const body = [
    `<section class="jit-analytics" aria-label="Access analytics">`,
    `<header><h1>Access analytics</h1><p class="jit-window">${html(windowText(report), 400)}${filterText(report)}</p></header>`,
    `<div class="jit-tiles">${tiles.map(([label, value]) => `<div class="jit-tile"><span class="jit-value">${html(value)}</span><span class="jit-label">${html(label)}</span></div>`).join('')}</div>`,
    findingsList(report),
    `<div class="jit-charts">${charts.map(figure).join('')}</div>`,
    ...analyticsRows(report).map(([title, rows]) => table(title, rows)),
    `</section>`,
  ];
  return { html: body.join('\n'), css: CSS, charts };
}

/** The page as a complete HTML document for `--html FILE`. */
export function analyticsHtmlDocument(page: AnalyticsPage, title = 'Access analytics'): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(title)}</title>`,
    `<style>body{margin:0;background:#f5f6f8}${page.css}</style>`,
    '</head>',
    '<body>',
    page.html,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function findingsList(report: AnalyticsReport): string {
  if (report.findings.length === 0) return '<div class="jit-findings"><h2>Findings</h2><p>Nothing needs a second look.</p></div>';
  const items = report.findings.map((f) => `<li class="jit-${f.severity}"><strong>${html(f.severity)}</strong> ${html(f.message, 500)}</li>`);
  return `<div class="jit-findings"><h2>Findings</h2><ul>${items.join('')}</ul></div>`;
}

function figure(chart: RenderedChart): string {
  // The SVG is the chart library's output for our own figures; its text is escaped by the renderer.
  return `<figure class="jit-chart" data-chart="${html(chart.name)}" role="img" aria-label="${html(chart.description, 1000)}">${chart.svg}<figcaption>${html(chart.description, 1000)}</figcaption></figure>`;
}

function table(title: string, rows: [string, string][]): string {
  const body = rows.map(([label, value]) => `<tr><th scope="row">${html(label)}</th><td>${html(value, 1000)}</td></tr>`).join('');
  return `<div class="jit-table"><h2>${html(title)}</h2><table>${body}</table></div>`;
}

function filterText(report: AnalyticsReport): string {
  const parts = Object.entries(report.filter).filter(([, v]) => v !== undefined);
  return parts.length ? ` — only ${parts.map(([k, v]) => `${html(k)} <code>${html(String(v), 100)}</code>`).join(', ')}` : '';
}

function num(value: number): string {
  return value.toLocaleString('en-US');
}

function seconds(value: number | null): string {
  if (value === null) return '-';
  return value < 120 ? `${value}s` : value < 7200 ? `${Math.round(value / 60)}m` : `${Math.round(value / 360) / 10}h`;
}

const CSS = `
.jit-analytics{font-family:'DejaVu Sans',Verdana,sans-serif;color:#1f2328;max-width:1340px;margin:0 auto;padding:24px}
.jit-analytics h1{font-size:24px;margin:0 0 4px}
.jit-analytics h2{font-size:17px;margin:0 0 8px}
.jit-analytics .jit-window{margin:0 0 16px;color:#57606a}
.jit-analytics .jit-tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.jit-analytics .jit-tile{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;min-width:120px;display:flex;flex-direction:column}
.jit-analytics .jit-value{font-size:24px;font-weight:bold}
.jit-analytics .jit-label{color:#57606a;font-size:13px}
.jit-analytics .jit-findings,.jit-analytics .jit-table{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin-bottom:16px}
.jit-analytics .jit-findings ul{margin:0;padding-left:20px}
.jit-analytics .jit-findings li{margin:4px 0;overflow-wrap:anywhere}
.jit-analytics .jit-critical strong{color:#b42318}
.jit-analytics .jit-warning strong{color:#b54708}
.jit-analytics .jit-info strong{color:#175cd3}
.jit-analytics .jit-charts{display:flex;flex-wrap:wrap;gap:16px;margin-bottom:16px}
.jit-analytics .jit-chart{margin:0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px}
.jit-analytics .jit-chart svg{display:block;max-width:100%;height:auto}
.jit-analytics figcaption{font-size:12px;color:#57606a;max-width:640px;margin-top:4px}
.jit-analytics table{border-collapse:collapse;width:100%}
.jit-analytics th{text-align:left;font-weight:normal;color:#57606a;padding:4px 16px 4px 0;width:260px;vertical-align:top}
.jit-analytics td{padding:4px 0;overflow-wrap:anywhere}
`.trim();
