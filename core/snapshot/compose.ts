// The day's snapshot as words and figures (pure; the track record in /track's words): signals by band, their results, best and worst, what is open, the running track record.
import { figuresLine } from '../track-record/format';
import type { SignalResult, TrackRecordSource } from '../track-record/types';
import { BANDS, type Band } from '../types';
import { cutoffLabel, dayBefore, dayBounds, dayLabel, snapshotDayOf, type DayCutoff } from './day';
import type { ChartBar, ChartPoint, ComposedSnapshot, SnapshotFigures, SnapshotInput, SnapshotSignalLine } from './types';

/** The chart's line covers this many days, the snapshot's day the last of them. */
export const CHART_DAYS = 30;

const signed = (pct: number) => `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Reads what a snapshot of `day` needs (its bounds: `dayBounds` with the cutoff): as of the day's
 * end, or now when the day is not over.
 */
export function gatherSnapshot(track: TrackRecordSource, day: string, timeZone: string, now: number, endsAt: DayCutoff | null = null): SnapshotInput {
  const { from, to } = dayBounds(day, timeZone, endsAt);
  const asOf = Math.min(now, to);
  const monthFrom = dayBounds(dayBefore(day, CHART_DAYS - 1), timeZone, endsAt).from;
  return {
    day,
    signals: track.results(from, to, asOf),
    month: track.results(monthFrom, to, asOf),
    record: track.record(asOf),
    asOf,
  };
}

const lineOf = (r: SignalResult): SnapshotSignalLine => ({
  symbol: r.symbol, side: r.side, band: r.band, status: r.status, targetsHit: r.targetsHit, resultPct: r.resultPct,
});

/** "BTCUSDT long (A): closed +3.20%, 1 target hit" */
function describe(r: SnapshotSignalLine): string {
  const state = r.status === 'open' ? 'open' : `${r.status} ${r.resultPct === null ? '(result unknown)' : signed(r.resultPct)}`;
  const targets = r.targetsHit > 0 ? `, ${plural(r.targetsHit, 'target')} hit` : '';
  return `${r.symbol} ${r.side} (${r.band}): ${state}${targets}`;
}

function byBandOf(signals: readonly SignalResult[]): SnapshotFigures['byBand'] {
  const out = {} as SnapshotFigures['byBand'];
  for (const band of BANDS) {
    const of = signals.filter((s) => s.band === band);
    const scored = of.filter((s) => s.status !== 'open' && s.resultPct !== null);
    out[band] = { count: of.length, open: of.filter((s) => s.status === 'open').length, scored: scored.length, cumulativePct: sum(scored) };
  }
  return out;
}

const sum = (rs: readonly SignalResult[]) => rs.reduce((total, r) => total + (r.resultPct ?? 0), 0);
const scoredOf = (rs: readonly SignalResult[]) => rs.filter((r) => r.status !== 'open' && r.resultPct !== null);

/** The chart's line (cumulative result by publish day over CHART_DAYS days) and bars (each band's sum over them). */
export function chartDataOf(input: Pick<SnapshotInput, 'day' | 'month'>, timeZone: string, endsAt: DayCutoff | null = null): { points: ChartPoint[]; bars: ChartBar[] } {
  const perDay = new Map<string, number>();
  for (const r of scoredOf(input.month)) {
    const d = snapshotDayOf(r.publishedAt, timeZone, endsAt);
    perDay.set(d, (perDay.get(d) ?? 0) + (r.resultPct ?? 0));
  }
  const points: ChartPoint[] = [];
  let running = 0;
  for (let back = CHART_DAYS - 1; back >= 0; back--) {
    const d = dayBefore(input.day, back);
    running += perDay.get(d) ?? 0;
    points.push({ day: d, cumulativePct: round(running) });
  }
  const bars = BANDS.map((band): ChartBar => {
    const scored = scoredOf(input.month.filter((r) => r.band === band));
    return { band, cumulativePct: round(sum(scored)), scored: scored.length };
  });
  return { points, bars };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Writes the snapshot of `input.day`; a day without signals says so plainly. The disclaimer stays apart (renderers put it in small print). */
export function composeSnapshot(input: SnapshotInput, options: { timeZone: string; disclaimer: string | null; endsAt?: DayCutoff | null | undefined }): ComposedSnapshot {
  const title = `Daily snapshot — ${dayLabel(input.day)}`;
  const endsAt = options.endsAt ?? null;
  // The period in words: the calendar day, or the 24 hours to the cutoff.
  const period = endsAt ? `since ${cutoffLabel(endsAt)} yesterday` : 'today';
  const signals = [...input.signals].sort((a, b) => a.publishedAt - b.publishedAt);
  const byBand = byBandOf(signals);
  const scored = scoredOf(signals).sort((a, b) => (b.resultPct ?? 0) - (a.resultPct ?? 0));
  const best = scored[0] ? lineOf(scored[0]) : null;
  const worst = scored.length > 1 ? lineOf(scored[scored.length - 1] as SignalResult) : null;
  const open = signals.filter((s) => s.status === 'open').map(lineOf);
  const windows = input.record.windows;
  const track = { '30d': windows['30d'].all, all: windows.all.all };

  const sections: string[] = [];
  if (signals.length === 0) {
    sections.push(`No signals were published ${period}.`);
  } else {
    sections.push([`Signals ${period}: ${signals.length}`, ...BANDS.map((band) => bandLine(band, byBand[band]))].join('\n'));
    sections.push(signals.map((s) => describe(lineOf(s))).join('\n'));
    const ranking: string[] = [];
    if (best) ranking.push(`Best: ${describe(best)}`);
    if (worst) ranking.push(`Worst: ${describe(worst)}`);
    if (ranking.length === 0) ranking.push(`Nothing closed yet ${period}.`);
    sections.push(ranking.join('\n'));
    sections.push(open.length === 0 ? 'Still open: none' : `Still open: ${open.map((o) => `${o.symbol} ${o.side} (${o.band})`).join(', ')}`);
  }
  sections.push(['Track record', `Last 30 days: ${figuresLine(track['30d'])}`, `All time: ${figuresLine(track.all)}`].join('\n'));

  const chart = { title: `Cumulative result, last ${CHART_DAYS} days`, ...chartDataOf(input, options.timeZone, endsAt) };
  const figures: SnapshotFigures = { day: input.day, asOf: input.asOf, signals: signals.length, byBand, best, worst, open, track, chart };
  return { day: input.day, title, text: sections.join('\n\n'), disclaimer: options.disclaimer, figures };
}

function bandLine(band: Band, f: SnapshotFigures['byBand'][Band]): string {
  if (f.count === 0) return `Band ${band}: none`;
  const result = f.scored > 0 ? `, ${signed(f.cumulativePct)} over ${f.scored} closed` : '';
  return `Band ${band}: ${plural(f.count, 'signal')}, ${f.open} open${result}`;
}

/** The whole snapshot as one text file: title, text, and the disclaimer last. */
export function snapshotAsText(s: Pick<ComposedSnapshot, 'title' | 'text' | 'disclaimer'>): string {
  return [s.title, s.text, ...(s.disclaimer ? [s.disclaimer] : [])].join('\n\n') + '\n';
}
