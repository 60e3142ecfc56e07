import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../core/testing/logger';
import type { ChartData } from '../../core/snapshot/types';
import { drawChart, svgToPng } from './png';
import { CHART_SIZE, chartSvg } from './svg';

const data: ChartData = {
  title: 'Cumulative result, last 30 days',
  points: Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, cumulativePct: i % 7 - 2 })),
  bars: [{ band: 'A', cumulativePct: 8.2, scored: 5 }, { band: 'B', cumulativePct: -2.5, scored: 3 }, { band: 'C', cumulativePct: 0, scored: 0 }],
};

/** Width and height from the PNG's IHDR chunk, after checking the signature. */
function ihdr(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  expect(view.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(view.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

/** How many pixels differ between two same-sized PNGs' bytes, roughly: the byte length differs when what is drawn differs. */
const inked = (svg: string) => svgToPng(svg).length;

describe('the snapshot chart', () => {
  it('renders a PNG of the fixed size that decodes with that width and height', () => {
    const chart = drawChart(data, 'Daily snapshot — 6 Dec 2026', recordingLogger());
    expect(chart).not.toBeNull();
    expect(ihdr(chart!.png)).toEqual({ width: CHART_SIZE.width, height: CHART_SIZE.height });
    expect([chart!.width, chart!.height]).toEqual([1200, 675]);
    expect(chart!.alt).toBe('Cumulative result, last 30 days: -1% cumulative; by band: band A +8.2%, band B -2.5%, band C 0%.');
  });

  it('draws its text with the bundled font, with no system font loaded', () => {
    const blank = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><rect width="400" height="100" fill="#fff"/></svg>`;
    const withText = (family: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><rect width="400" height="100" fill="#fff"/>`
      + `<text x="10" y="60" font-size="40" font-family="${family}" fill="#000">Snapshot 42%</text></svg>`;
    // DejaVu Sans is found and inks the image. DejaVu Serif (installed on the development machine, not
    // bundled) is not looked up: the text falls back to the bundled default and comes out byte for byte the same.
    expect(inked(withText('DejaVu Sans'))).toBeGreaterThan(inked(blank) + 500);
    expect(Buffer.from(svgToPng(withText('DejaVu Serif')))).toEqual(Buffer.from(svgToPng(withText('DejaVu Sans'))));
  });

  it('names the bundled font in the SVG and escapes labels', () => {
    const svg = chartSvg({ ...data, title: 'R&D <test>' }, 'Daily snapshot');
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).toContain('R&amp;D &lt;test&gt;');
  });

  it('logs a chart it cannot draw and returns none, so the snapshot goes as text', () => {
    const logger = recordingLogger();
    // A character XML does not allow: resvg refuses the document.
    const chart = drawChart(data, 'Daily snapshot \u0001', logger);
    expect(chart).toBeNull();
    expect(logger.records.map((r) => [r.level, r.msg])).toEqual([['error', 'could not draw the snapshot chart; the snapshot goes as text']]);
  });
});
