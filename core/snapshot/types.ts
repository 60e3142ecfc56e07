// The daily snapshot's language: what it is written from, what it says, and what its chart draws.
import type { TrackFigures, TrackRecord, SignalResult } from '../track-record/types';
import type { Band } from '../types';

/** What one snapshot is written from, read through a TrackRecordSource (see gatherSnapshot). */
export interface SnapshotInput {
  /** The operator's day, YYYY-MM-DD. */
  day: string;
  /** The day's signals (published from its midnight to the next), with their results as of `asOf`. */
  signals: readonly SignalResult[];
  /** Every signal of the 30 days ending with this day, for the chart. */
  month: readonly SignalResult[];
  /** The running track record as of `asOf`. */
  record: TrackRecord;
  /** The end of the day, or now when the day is not over. */
  asOf: number;
}

/** One point of the chart's line: the cumulative result (percent points) of the signals published up to the end of that day. */
export interface ChartPoint {
  day: string;
  cumulativePct: number;
}

/** One bar of the chart: a band's summed result over the 30 days. */
export interface ChartBar {
  band: Band;
  cumulativePct: number;
  scored: number;
}

/** What the chart draws. */
export interface ChartData {
  title: string;
  points: ChartPoint[];
  bars: ChartBar[];
}

/** A signal's line in the figures. */
export interface SnapshotSignalLine {
  symbol: string;
  side: string;
  band: Band;
  status: SignalResult['status'];
  targetsHit: number;
  resultPct: number | null;
}

/** The figures a snapshot is written from, kept as JSON in its row. */
export interface SnapshotFigures {
  day: string;
  asOf: number;
  signals: number;
  byBand: Record<Band, { count: number; open: number; scored: number; cumulativePct: number }>;
  best: SnapshotSignalLine | null;
  worst: SnapshotSignalLine | null;
  open: SnapshotSignalLine[];
  track: { '30d': TrackFigures; all: TrackFigures };
  chart: ChartData;
}

/** A snapshot as written: title, plain text (the disclaimer apart), and its figures. */
export interface ComposedSnapshot {
  day: string;
  title: string;
  text: string;
  disclaimer: string | null;
  figures: SnapshotFigures;
}
