// The track record in plain words, a few lines per window: what /track answers and the CLI prints.
import { BANDS } from '../types';
import type { TrackFigures, TrackRecord, TrackWindow, TrackWindowFigures } from './types';

/** How each window is named in a sentence. */
export const WINDOW_WORDS: Record<TrackWindow, string> = { '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days', all: 'All time' };

/** "+5.0%", "-0.5%", "0.0%". */
export function signedPct(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? '+' : ''}${rounded === 0 ? '0.0' : rounded.toFixed(1)}%`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One set of figures in a line: "5 signals, 3 with a result: 2 wins (67%), average +5.0%, total
 * +15.0%; 2 open". Signals exited without a known result are counted but not scored.
 */
export function figuresLine(f: TrackFigures): string {
  if (f.count === 0) return 'no signals';
  const parts = [plural(f.count, 'signal')];
  if (f.scored > 0 && f.hitRate !== null && f.averagePct !== null) {
    parts.push(`${f.scored} with a result: ${plural(f.wins, 'win')} (${Math.round(f.hitRate * 100)}%), average ${signedPct(f.averagePct)}, total ${signedPct(f.cumulativePct)}`);
  } else {
    parts.push('none with a result yet');
  }
  return `${parts.join(', ')}${f.open > 0 ? `; ${f.open} open` : ''}`;
}

/** Options of trackRecordLines: which windows, and whether personas and plans follow the bands. */
export interface TrackLinesOptions {
  windows: readonly TrackWindow[];
  /** Personas and plans after the bands (the CLI); the chat command shows bands only. */
  details?: boolean;
}

/** A window's lines: the overall figures, then each band (and personas and plans with `details`). */
export function windowLines(name: string, w: TrackWindowFigures, details = false): string[] {
  const lines = [`${name}: ${figuresLine(w.all)}`];
  for (const band of BANDS) if (w.byBand[band].count > 0) lines.push(`  Band ${band}: ${figuresLine(w.byBand[band])}`);
  if (details) {
    for (const [persona, f] of Object.entries(w.byPersona)) lines.push(`  Persona ${persona}: ${figuresLine(f)}`);
    for (const [plan, f] of Object.entries(w.byPlan)) lines.push(`  Plan ${plan}: ${figuresLine(f)}`);
  }
  return lines;
}

/** The whole answer: a title, then each window asked for. */
export function trackRecordLines(record: TrackRecord, options: TrackLinesOptions): string[] {
  const lines = ['Track record (results of published signals, from their updates):'];
  for (const window of options.windows) lines.push(...windowLines(WINDOW_WORDS[window], record.windows[window], options.details));
  return lines;
}
