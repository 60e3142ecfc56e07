// A fixed set of signals and updates with known figures, shared by the pure and the SQLite tests of the track record.
import type { FakeClock } from '../clock';
import type { SignalService } from '../signals/ports';
import type { Side, SignalUpdateInput } from '../types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** "Now" of the fixture's track record. */
export const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

export interface FixtureUpdate {
  /** When it is published. */
  at: number;
  update: SignalUpdateInput;
}

export interface FixtureSignal {
  key: string;
  symbol: string;
  side: Side;
  /** With bands aMin 0.8, bMin 0.6. */
  conviction: number;
  persona?: string;
  entry?: number;
  publishedAt: number;
  updates: FixtureUpdate[];
}

/** Bands of the fixture's convictions. */
export const FIXTURE_BANDS = { aMin: 0.8, bMin: 0.6 };

export const FIXTURE_SIGNALS: FixtureSignal[] = [
  // A win, closed once; the second close an hour later is ignored.
  { key: 's1', symbol: 'BTC_USDT', side: 'long', conviction: 0.9, persona: 'momentum', entry: 100, publishedAt: NOW - 2 * DAY, updates: [
    { at: NOW - 2 * DAY + HOUR, update: { kind: 'target_hit', targetIndex: 1 } },
    { at: NOW - DAY, update: { kind: 'closed', resultPct: 8 } },
    { at: NOW - DAY + HOUR, update: { kind: 'closed', resultPct: -3 } },
  ] },
  // A short stopped without a resultPct: entry 200, stopped at 210, so -5.
  { key: 's2', symbol: 'ETH_USDT', side: 'short', conviction: 0.7, entry: 200, publishedAt: NOW - 3 * DAY, updates: [
    { at: NOW - 2 * DAY, update: { kind: 'stopped', price: 210 } },
  ] },
  // Two targets (one hit twice), then closed at +12.
  { key: 's3', symbol: 'SOL_USDT', side: 'long', conviction: 0.85, persona: 'momentum', entry: 50, publishedAt: NOW - 10 * DAY, updates: [
    { at: NOW - 9 * DAY, update: { kind: 'target_hit', targetIndex: 1 } },
    { at: NOW - 8 * DAY, update: { kind: 'target_hit', targetIndex: 2 } },
    { at: NOW - 8 * DAY + HOUR, update: { kind: 'target_hit', targetIndex: 2 } },
    { at: NOW - 7 * DAY - HOUR, update: { kind: 'closed', resultPct: 12 } },
  ] },
  // Open, one target hit.
  { key: 's4', symbol: 'XRP_USDT', side: 'long', conviction: 0.5, publishedAt: NOW - DAY, updates: [
    { at: NOW - 12 * HOUR, update: { kind: 'target_hit', targetIndex: 1 } },
  ] },
  // 40 days ago: a short closed at +4.
  { key: 's5', symbol: 'ADA_USDT', side: 'short', conviction: 0.65, persona: 'swing', publishedAt: NOW - 40 * DAY, updates: [
    { at: NOW - 39 * DAY, update: { kind: 'closed', resultPct: 4 } },
  ] },
  // 100 days ago: stopped with neither a result nor a price: exited, not scored.
  { key: 's6', symbol: 'DOGE_USDT', side: 'long', conviction: 0.55, persona: 'swing', publishedAt: NOW - 100 * DAY, updates: [
    { at: NOW - 99 * DAY, update: { kind: 'stopped' } },
  ] },
  // Closed only after "now": still open as of now.
  { key: 's7', symbol: 'LINK_USDT', side: 'long', conviction: 0.95, persona: 'momentum', entry: 20, publishedAt: NOW - 5 * HOUR, updates: [
    { at: NOW + HOUR, update: { kind: 'closed', resultPct: 30 } },
  ] },
];

/** The figures the fixture must give as of NOW (hit rates close to, the rest exactly). */
export const EXPECTED = {
  '7d': { count: 4, open: 2, scored: 2, wins: 1, hitRate: 0.5, averagePct: 1.5, cumulativePct: 3 },
  '30d': { count: 5, open: 2, scored: 3, wins: 2, hitRate: 2 / 3, averagePct: 5, cumulativePct: 15 },
  '90d': { count: 6, open: 2, scored: 4, wins: 3, hitRate: 0.75, averagePct: 4.75, cumulativePct: 19 },
  all: { count: 7, open: 2, scored: 4, wins: 3, hitRate: 0.75, averagePct: 4.75, cumulativePct: 19 },
  byBand7d: {
    A: { count: 2, open: 1, scored: 1, wins: 1, hitRate: 1, averagePct: 8, cumulativePct: 8 },
    B: { count: 1, open: 0, scored: 1, wins: 0, hitRate: 0, averagePct: -5, cumulativePct: -5 },
    C: { count: 1, open: 1, scored: 0, wins: 0, hitRate: null, averagePct: null, cumulativePct: 0 },
  },
  byBandAll: {
    A: { count: 3, open: 1, scored: 2, wins: 2, hitRate: 1, averagePct: 10, cumulativePct: 20 },
    B: { count: 2, open: 0, scored: 2, wins: 1, hitRate: 0.5, averagePct: -0.5, cumulativePct: -1 },
    C: { count: 2, open: 1, scored: 0, wins: 0, hitRate: null, averagePct: null, cumulativePct: 0 },
  },
  byPersonaAll: {
    momentum: { count: 3, open: 1, scored: 2, wins: 2, hitRate: 1, averagePct: 10, cumulativePct: 20 },
    none: { count: 2, open: 1, scored: 1, wins: 0, hitRate: 0, averagePct: -5, cumulativePct: -5 },
    swing: { count: 2, open: 0, scored: 1, wins: 1, hitRate: 1, averagePct: 4, cumulativePct: 4 },
  },
};

/**
 * Publishes the fixture's signals and updates through a real signal service, each at its own time
 * (the clock is left at the last of them); gives each fixture key's signal id.
 */
export async function publishFixture(service: Pick<SignalService, 'publish' | 'addUpdate'>, clock: FakeClock): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const events = FIXTURE_SIGNALS.flatMap((s) => [
    { at: s.publishedAt, run: async () => {
      const out = await service.publish({
        publisherId: s.key, symbol: s.symbol, market: 'crypto', side: s.side, conviction: s.conviction, reasons: ['fixture'], persona: s.persona, entry: s.entry,
      }, { publishedBy: 'test' });
      ids.set(s.key, out.signal.id);
    } },
    ...s.updates.map((u) => ({ at: u.at, run: async () => { await service.addUpdate({ publisherId: s.key }, u.update); } })),
  ]).sort((a, b) => a.at - b.at);
  for (const e of events) {
    clock.set(e.at);
    await e.run();
  }
  return ids;
}
