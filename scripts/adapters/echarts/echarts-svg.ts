/**
 * Server-side rendering of one ECharts option to an SVG string (ECharts' SSR mode: no DOM, no canvas). The
 * library is loaded on first use, as its single prebuilt CommonJS file, which starts several times faster than
 * its many ES modules; only commands that draw charts pay for it.
 */
import { createRequire } from 'node:module';
import type * as EChartsModule from 'echarts';

type ECharts = typeof EChartsModule;

let echarts: ECharts | undefined;

/** Loads ECharts once per process. */
function load(): ECharts {
  echarts ??= createRequire(import.meta.url)('echarts') as ECharts;
  return echarts;
}

/** The font every chart names: DejaVu Sans is shipped with the package for PNG rendering; browsers fall back to sans-serif. */
export const CHART_FONT = 'DejaVu Sans, Verdana, sans-serif';

/** Renders `option` at `width` × `height` to a standalone SVG document string. */
export function renderSvg(option: EChartsModule.EChartsOption, width: number, height: number): string {
  const chart = load().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, ...option });
    return withoutHoverStyles(chart.renderToSVGString());
  } finally {
    // A chart left undisposed keeps a timer alive, and the process with it.
    chart.dispose();
  }
}

/**
 * Drops the `<style>` blocks ECharts writes for hover effects: the charts are static images, and a style block
 * of only `:hover` rules is dead weight (one of them even holds an unserialised gradient). Blocks with any
 * other rule are kept.
 */
function withoutHoverStyles(svg: string): string {
  return svg.replace(/<style\b[^>]*>([\s\S]*?)<\/style>/g, (block, css: string) => {
    const selectors = [...css.replace(/<!\[CDATA\[|\]\]>/g, '').matchAll(/([^{}]+)\{[^}]*\}/g)].map((m) => m[1]!.trim());
    return selectors.every((selector) => selector.endsWith(':hover')) ? '' : block;
  });
}
