// The snapshot's chart as SVG: the cumulative result over the last 30 days as a line, each band's result as a bar, with axes and labels sized for a phone.
import type { ChartData } from '../../core/snapshot/types';

/** The chart's fixed size in pixels (16:9, what the chat apps show whole). */
export const CHART_SIZE = { width: 1200, height: 675 } as const;

/** The family of the bundled font (content/chart/fonts/), the only one the renderer knows. */
export const CHART_FONT = 'DejaVu Sans';

const COLORS = { background: '#ffffff', text: '#1f2933', muted: '#616e7c', grid: '#e4e7eb', line: '#2563eb', up: '#16a34a', down: '#dc2626', zero: '#9aa5b1' };

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => `${n > 0 ? '+' : ''}${Number.isInteger(n) ? n : n.toFixed(1)}%`;
const px = (n: number) => Math.round(n * 10) / 10;

function text(x: number, y: number, content: string, attrs: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: string; bold?: boolean } = {}): string {
  const weight = attrs.bold ? ' font-weight="bold"' : '';
  return `<text x="${px(x)}" y="${px(y)}" font-size="${attrs.size ?? 22}" text-anchor="${attrs.anchor ?? 'start'}" fill="${attrs.color ?? COLORS.text}"${weight}>${esc(content)}</text>`;
}

/** A range that includes zero and every value, padded, so that the zero line is always drawn. */
function rangeOf(values: readonly number[]): { min: number; max: number } {
  let min = Math.min(0, ...values);
  let max = Math.max(0, ...values);
  if (max - min < 1) {
    max += 1;
    min -= min < 0 ? 1 : 0;
  }
  const pad = (max - min) * 0.1;
  return { min: min < 0 ? min - pad : min, max: max + pad };
}

/** Four or five round ticks across the range. */
function ticks(min: number, max: number): number[] {
  const raw = (max - min) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) out.push(Math.round(t * 100) / 100);
  return out;
}

function lineChart(data: ChartData, box: Box): string[] {
  const values = data.points.map((p) => p.cumulativePct);
  const { min, max } = rangeOf(values);
  const y = (v: number) => box.y + box.h - ((v - min) / (max - min)) * box.h;
  const step = data.points.length > 1 ? box.w / (data.points.length - 1) : 0;
  const x = (i: number) => box.x + i * step;
  const out: string[] = [];
  for (const t of ticks(min, max)) {
    out.push(`<line x1="${box.x}" y1="${px(y(t))}" x2="${box.x + box.w}" y2="${px(y(t))}" stroke="${t === 0 ? COLORS.zero : COLORS.grid}" stroke-width="${t === 0 ? 2 : 1}"/>`);
    out.push(text(box.x - 12, y(t) + 7, fmt(t), { anchor: 'end', color: COLORS.muted }));
  }
  out.push(`<line x1="${box.x}" y1="${box.y}" x2="${box.x}" y2="${box.y + box.h}" stroke="${COLORS.muted}" stroke-width="2"/>`);
  const path = data.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(i))},${px(y(p.cumulativePct))}`).join(' ');
  if (path) out.push(`<path d="${path}" fill="none" stroke="${COLORS.line}" stroke-width="5" stroke-linejoin="round" stroke-linecap="round"/>`);
  const last = data.points.at(-1);
  if (last) {
    out.push(`<circle cx="${px(x(data.points.length - 1))}" cy="${px(y(last.cumulativePct))}" r="8" fill="${COLORS.line}"/>`);
    out.push(text(box.x + box.w, box.y - 14, `Now ${fmt(last.cumulativePct)}`, { anchor: 'end', size: 26, bold: true, color: COLORS.line }));
  }
  const first = data.points[0];
  if (first && last) {
    out.push(text(box.x, box.y + box.h + 34, shortDay(first.day), { color: COLORS.muted }));
    out.push(text(box.x + box.w, box.y + box.h + 34, shortDay(last.day), { anchor: 'end', color: COLORS.muted }));
  }
  return out;
}

function barChart(data: ChartData, box: Box): string[] {
  const { min, max } = rangeOf(data.bars.map((b) => b.cumulativePct));
  const y = (v: number) => box.y + box.h - ((v - min) / (max - min)) * box.h;
  const slot = box.w / Math.max(1, data.bars.length);
  const out = [`<line x1="${box.x}" y1="${px(y(0))}" x2="${box.x + box.w}" y2="${px(y(0))}" stroke="${COLORS.zero}" stroke-width="2"/>`];
  data.bars.forEach((bar, i) => {
    const cx = box.x + slot * i + slot / 2;
    const top = Math.min(y(bar.cumulativePct), y(0));
    const h = Math.max(2, Math.abs(y(bar.cumulativePct) - y(0)));
    out.push(`<rect x="${px(cx - slot * 0.3)}" y="${px(top)}" width="${px(slot * 0.6)}" height="${px(h)}" rx="6" fill="${bar.cumulativePct < 0 ? COLORS.down : COLORS.up}"/>`);
    const labelY = bar.cumulativePct < 0 ? top + h + 28 : top - 10;
    out.push(text(cx, labelY, fmt(bar.cumulativePct), { anchor: 'middle', size: 24, bold: true }));
    out.push(text(cx, box.y + box.h + 34, `Band ${bar.band}`, { anchor: 'middle', size: 24 }));
    out.push(text(cx, box.y + box.h + 62, `${bar.scored} closed`, { anchor: 'middle', size: 20, color: COLORS.muted }));
  });
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shortDay = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`;

/** The chart as an SVG document of CHART_SIZE, every text in the bundled font. */
export function chartSvg(data: ChartData, heading: string): string {
  const { width, height } = CHART_SIZE;
  const parts = [
    `<rect width="${width}" height="${height}" fill="${COLORS.background}"/>`,
    text(40, 56, heading, { size: 34, bold: true }),
    text(40, 100, data.title, { size: 24, color: COLORS.muted }),
    text(860, 100, 'By band, same days', { size: 24, color: COLORS.muted }),
    ...lineChart(data, { x: 130, y: 160, w: 660, h: 400 }),
    ...barChart(data, { x: 860, y: 160, w: 300, h: 400 }),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}">${parts.join('')}</svg>`;
}

/** What the chart shows, in words, for platforms that take alt text. */
export function chartAlt(data: ChartData): string {
  const last = data.points.at(-1)?.cumulativePct ?? 0;
  const bands = data.bars.map((b) => `band ${b.band} ${fmt(b.cumulativePct)}`).join(', ');
  return `${data.title}: ${fmt(last)} cumulative; by band: ${bands}.`;
}
