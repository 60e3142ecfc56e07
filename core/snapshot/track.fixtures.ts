// A small in-memory TrackRecordSource for the snapshot's unit tests (the real one is db/stores' track record store).
import type { SignalResult, TrackFigures, TrackRecord, TrackRecordSource, TrackWindow, TrackWindowFigures } from '../track-record/types';
import { BANDS, type Band } from '../types';

const DAY_MS = 86_400_000;
const WINDOW_MS: Record<TrackWindow, number> = { '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS, all: Number.POSITIVE_INFINITY };

export function figuresOf(rs: readonly SignalResult[]): TrackFigures {
  const scored = rs.filter((r) => r.status !== 'open' && r.resultPct !== null);
  const wins = scored.filter((r) => (r.resultPct ?? 0) > 0).length;
  const cumulativePct = scored.reduce((s, r) => s + (r.resultPct ?? 0), 0);
  return {
    count: rs.length, open: rs.filter((r) => r.status === 'open').length, scored: scored.length, wins,
    hitRate: scored.length ? wins / scored.length : null, averagePct: scored.length ? cumulativePct / scored.length : null, cumulativePct,
  };
}

/** Results as given (already as of the test's moment); windows counted back from `now`. */
export function memoryTrack(results: readonly SignalResult[]): TrackRecordSource {
  return {
    results: (from, to) => results.filter((r) => r.publishedAt >= from && r.publishedAt < to),
    record(now): TrackRecord {
      const windows = {} as Record<TrackWindow, TrackWindowFigures>;
      for (const w of Object.keys(WINDOW_MS) as TrackWindow[]) {
        const rs = results.filter((r) => r.publishedAt <= now && now - r.publishedAt < WINDOW_MS[w]);
        const byBand = Object.fromEntries(BANDS.map((b) => [b, figuresOf(rs.filter((r) => r.band === b))])) as Record<Band, TrackFigures>;
        windows[w] = { all: figuresOf(rs), byBand, byPersona: {}, byPlan: {} };
      }
      return { asOf: now, windows };
    },
  };
}

let n = 0;
/** A result with sensible defaults. */
export function result(over: Partial<SignalResult> & Pick<SignalResult, 'publishedAt'>): SignalResult {
  n += 1;
  return {
    signalId: `sig_${n}`, symbol: 'BTCUSDT', side: 'long', band: 'A', conviction: 0.9, persona: null, status: 'open', targetsHit: 0,
    resultPct: null, exitedAt: null, ...over,
  };
}
