// The track record's language: each signal's result from its updates, and figures per band, persona and plan over fixed windows.
import type { Band, Side } from '../types';

/** The windows every figure is given for, counted back from "now" by signal publish time. */
export const TRACK_WINDOWS = ['7d', '30d', '90d', 'all'] as const;
export type TrackWindow = (typeof TRACK_WINDOWS)[number];

/**
 * One signal's result, from what was published (never edited after the fact): 'open' until a
 * `stopped` or `closed` update; then its result in percent (the update's resultPct, else computed
 * from entry and the update's price for the signal's side; null when neither is known).
 */
export interface SignalResult {
  signalId: string;
  symbol: string;
  side: Side;
  band: Band;
  conviction: number;
  persona: string | null;
  /** Milliseconds since the epoch. */
  publishedAt: number;
  status: 'open' | 'stopped' | 'closed';
  /** Targets hit so far (distinct target indexes). */
  targetsHit: number;
  resultPct: number | null;
  /** When it was stopped or closed; null while open. */
  exitedAt: number | null;
}

/** Figures of a set of signals. Averages and the hit rate count only exited signals with a known result. */
export interface TrackFigures {
  /** Signals published in the window. */
  count: number;
  open: number;
  /** Exited (stopped or closed) with a known result. */
  scored: number;
  /** Of those, with a result above zero. */
  wins: number;
  /** wins / scored, 0..1; null when none is scored. */
  hitRate: number | null;
  /** Mean result in percent of the scored; null when none. */
  averagePct: number | null;
  /** Sum of the scored results, in percent points. */
  cumulativePct: number;
}

/** Figures over one window: overall, and per band, persona ("none" for signals without) and plan. */
export interface TrackWindowFigures {
  all: TrackFigures;
  byBand: Record<Band, TrackFigures>;
  byPersona: Record<string, TrackFigures>;
  /** By plan id: the signals that plan's subscribers were sent (signal_reach). */
  byPlan: Record<string, TrackFigures>;
}

/** The whole track record at `asOf`. */
export interface TrackRecord {
  asOf: number;
  windows: Record<TrackWindow, TrackWindowFigures>;
}

/** Reads what was published and computes results; db/stores implements it. */
export interface TrackRecordSource {
  /** The track record as of `now`. */
  record(now: number): TrackRecord;
  /** Each signal published in [from, to), with its result as of `asOf` (updates after `asOf` ignored). */
  results(from: number, to: number, asOf: number): SignalResult[];
}
