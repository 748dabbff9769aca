/**
 * Rasterises a chart's SVG to PNG with resvg (`@resvg/resvg-js`), for where an image file is needed (the
 * Slack digest). Text is drawn with the DejaVu Sans files shipped through npm (`dejavu-fonts-ttf`), never
 * with system fonts: the tool image has none, and the same fonts everywhere give the same picture.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as ResvgModule from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/** The font files text is drawn with. */
export function chartFontFiles(): string[] {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
}

/** Renders `svg` to a PNG `width` pixels wide (height to scale), on a white background. */
export async function svgToPng(svg: string, width: number): Promise<Buffer> {
  const { Resvg } = (await import('@resvg/resvg-js')) as typeof ResvgModule;
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
