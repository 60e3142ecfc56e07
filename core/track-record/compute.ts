// The track record's arithmetic (pure): a signal's result from its published updates, and the figures over each window.
import { ValidationError } from '../errors';
import { BANDS, type Band, type SignalUpdateKind } from '../types';
import {
  TRACK_WINDOWS, type SignalResult, type TrackFigures, type TrackRecord, type TrackWindow, type TrackWindowFigures,
} from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How far back each window reaches from "now"; null: all time. */
export const WINDOW_MS: Record<TrackWindow, number | null> = { '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS, all: null };

/** A window's name as a caller gives it (`?window=`, `--window`): a ValidationError naming `field` when it is none of TRACK_WINDOWS. */
export function parseTrackWindow(value: unknown, field = 'window'): TrackWindow {
  if (typeof value === 'string' && (TRACK_WINDOWS as readonly string[]).includes(value)) return value as TrackWindow;
  throw new ValidationError([{ field, message: `expected one of ${TRACK_WINDOWS.join(', ')}` }]);
}

/** The persona key of signals published without one. */
export const NO_PERSONA = 'none';

/** A signal as published: what its result needs (its result's own fields, and its entry). */
export type PublishedSignal = Pick<SignalResult, 'signalId' | 'symbol' | 'side' | 'band' | 'conviction' | 'persona' | 'publishedAt'> & {
  entry: number | null;
};

/** An update as published. */
export interface PublishedUpdate {
  kind: SignalUpdateKind;
  targetIndex: number | null;
  price: number | null;
  resultPct: number | null;
  /** Milliseconds since the epoch. */
  publishedAt: number;
}

/**
 * The signal's result as of `asOf`, from its updates in publish order: open until the first
 * `stopped` or `closed`; whatever comes after that exit (a second close, a late target) is ignored,
 * and so is every update published after `asOf`.
 */
export function signalResult(signal: PublishedSignal, updates: readonly PublishedUpdate[], asOf: number): SignalResult {
  const targets = new Set<number>();
  let exit: PublishedUpdate | null = null;
  for (const u of updates) {
    if (u.publishedAt > asOf) continue;
    if (u.kind === 'target_hit') {
      if (u.targetIndex !== null) targets.add(u.targetIndex);
      continue;
    }
    exit = u;
    break;
  }
  return {
    signalId: signal.signalId,
    symbol: signal.symbol,
    side: signal.side,
    band: signal.band,
    conviction: signal.conviction,
    persona: signal.persona,
    publishedAt: signal.publishedAt,
    status: exit === null ? 'open' : exit.kind === 'stopped' ? 'stopped' : 'closed',
    targetsHit: targets.size,
    resultPct: exit === null ? null : exitResult(signal, exit),
    exitedAt: exit === null ? null : exit.publishedAt,
  };
}

/** The exit's own resultPct, else the move from entry to the exit price for the signal's side; null when neither is known. */
export function exitResult(signal: Pick<PublishedSignal, 'side' | 'entry'>, exit: Pick<PublishedUpdate, 'price' | 'resultPct'>): number | null {
  if (exit.resultPct !== null) return exit.resultPct;
  if (signal.entry === null || signal.entry <= 0 || exit.price === null) return null;
  const move = ((exit.price - signal.entry) * 100) / signal.entry;
  if (signal.side === 'long') return move;
  if (signal.side === 'short') return -move;
  return null;
}

/** Figures of a set of results. */
export function figuresOf(results: Iterable<SignalResult>): TrackFigures {
  let count = 0;
  let open = 0;
  let scored = 0;
  let wins = 0;
  let sum = 0;
  for (const r of results) {
    count += 1;
    if (r.status === 'open') open += 1;
    else if (r.resultPct !== null) {
      scored += 1;
      sum += r.resultPct;
      if (r.resultPct > 0) wins += 1;
    }
  }
  return {
    count, open, scored, wins,
    hitRate: scored === 0 ? null : wins / scored,
    averagePct: scored === 0 ? null : sum / scored,
    cumulativePct: sum,
  };
}

/**
 * One window's figures: overall, by band (every band, empty ones included), by persona and by
 * plan (`plansOf` gives the plans a signal reached).
 */
export function windowFigures(results: readonly SignalResult[], plansOf: (signalId: string) => readonly string[]): TrackWindowFigures {
  const byBand = groupBy(results, (r) => [r.band]);
  const byPersona = groupBy(results, (r) => [r.persona ?? NO_PERSONA]);
  const byPlan = groupBy(results, (r) => plansOf(r.signalId));
  const bands = {} as Record<Band, TrackFigures>;
  for (const band of BANDS) bands[band] = figuresOf(byBand.get(band) ?? []);
  return { all: figuresOf(results), byBand: bands, byPersona: toFigures(byPersona), byPlan: toFigures(byPlan) };
}

/** Whether a signal published at `publishedAt` falls in the window ending at `now`. */
export function inWindow(window: TrackWindow, publishedAt: number, now: number): boolean {
  const span = WINDOW_MS[window];
  return publishedAt <= now && (span === null || publishedAt > now - span);
}

/** The whole track record at `now` from every signal's result (published at or before `now`). */
export function trackRecordOf(results: readonly SignalResult[], plansOf: (signalId: string) => readonly string[], now: number): TrackRecord {
  const windows = {} as Record<TrackWindow, TrackWindowFigures>;
  for (const w of TRACK_WINDOWS) {
    windows[w] = windowFigures(results.filter((r) => inWindow(w, r.publishedAt, now)), plansOf);
  }
  return { asOf: now, windows };
}

/** The record with only `window`'s figures (as the API's ?window= and the CLI's --window give it); all of it without one. */
export function narrowRecord(record: TrackRecord, window: TrackWindow | undefined): TrackRecord | { asOf: number; windows: Partial<Record<TrackWindow, TrackWindowFigures>> } {
  if (window === undefined) return record;
  return { asOf: record.asOf, windows: { [window]: record.windows[window] } };
}

function groupBy(results: readonly SignalResult[], keysOf: (r: SignalResult) => readonly string[]): Map<string, SignalResult[]> {
  const groups = new Map<string, SignalResult[]>();
  for (const r of results) {
    for (const key of keysOf(r)) {
      const list = groups.get(key);
      if (list) list.push(r);
      else groups.set(key, [r]);
    }
  }
  return groups;
}

function toFigures(groups: Map<string, SignalResult[]>): Record<string, TrackFigures> {
  const out: Record<string, TrackFigures> = {};
  for (const key of [...groups.keys()].sort()) out[key] = figuresOf(groups.get(key) ?? []);
  return out;
}
