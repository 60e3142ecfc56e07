// Renders the chart's SVG to PNG with @resvg/resvg-js, using only the bundled fonts (nothing is looked up on the system or downloaded).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import type { Logger } from '../../core/logger';
import type { ChartData } from '../../core/snapshot/types';
import type { ChartImage } from '../../core/types';
import { CHART_FONT, CHART_SIZE, chartAlt, chartSvg } from './svg';

/** The bundled fonts: DejaVu Sans, regular and bold. */
export const CHART_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => fileURLToPath(new URL(`./fonts/${f}`, import.meta.url)));

// The native renderer is required at the first chart, not when this file loads: a service that draws none never loads it.
let Resvg: typeof ResvgClass | undefined;
const renderer = (): typeof ResvgClass => (Resvg ??= (createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg);

/** The SVG as PNG bytes at its own size. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new (renderer())(svg, {
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: false, fontFiles: CHART_FONT_FILES, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** The chart as an image; null (and a log line) when it cannot be drawn: the snapshot then goes as text. */
export function drawChart(data: ChartData, heading: string, logger: Logger): ChartImage | null {
  try {
    const png = svgToPng(chartSvg(data, heading));
    return { png, width: CHART_SIZE.width, height: CHART_SIZE.height, alt: chartAlt(data) };
  } catch (err) {
    logger.error({ err, heading }, 'could not draw the snapshot chart; the snapshot goes as text');
    return null;
  }
}
