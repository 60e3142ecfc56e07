import { describe, expect, it } from 'vitest';
import { bandOf } from '../signals/band';
import { exitResult, signalResult, trackRecordOf, type PublishedSignal, type PublishedUpdate } from './compute';
import { DAY, EXPECTED, FIXTURE_BANDS, FIXTURE_SIGNALS, NOW, type FixtureSignal } from './track-record.fixtures';

const published = (f: FixtureSignal): PublishedSignal => ({
  signalId: f.key, symbol: f.symbol, side: f.side, band: bandOf(f.conviction, FIXTURE_BANDS), conviction: f.conviction,
  persona: f.persona ?? null, entry: f.entry ?? null, publishedAt: f.publishedAt,
});
const updatesOf = (f: FixtureSignal): PublishedUpdate[] => f.updates.map(({ at, update }) => ({
  kind: update.kind, targetIndex: update.targetIndex ?? null, price: update.price ?? null, resultPct: update.resultPct ?? null, publishedAt: at,
}));
const resultOf = (key: string, asOf = NOW) => {
  const f = FIXTURE_SIGNALS.find((s) => s.key === key) as FixtureSignal;
  return signalResult(published(f), updatesOf(f), asOf);
};
const allResults = () => FIXTURE_SIGNALS.map((f) => signalResult(published(f), updatesOf(f), NOW));

/** Plans each fixture signal reached, as signal_reach would say. */
const REACH: Record<string, string[]> = { s1: ['free', 'pro'], s2: ['pro'], s3: ['pro'], s4: ['free', 'pro'], s7: ['pro'] };
const plansOf = (id: string) => REACH[id] ?? [];

describe('a signal result', () => {
  it('is the first close: a second close after it is ignored', () => {
    expect(resultOf('s1')).toMatchObject({ status: 'closed', resultPct: 8, targetsHit: 1, exitedAt: NOW - DAY, band: 'A', persona: 'momentum' });
  });

  it('comes from entry and the stop price for the side when the stop gives no result', () => {
    expect(resultOf('s2')).toMatchObject({ status: 'stopped', resultPct: -5 });
    expect(exitResult({ side: 'long', entry: 200 }, { price: 210, resultPct: null })).toBe(5);
    expect(exitResult({ side: 'close', entry: 200 }, { price: 210, resultPct: null })).toBeNull();
  });

  it('counts distinct targets hit', () => {
    expect(resultOf('s3')).toMatchObject({ status: 'closed', targetsHit: 2, resultPct: 12 });
  });

  it('is open without an exit, with the targets hit so far', () => {
    expect(resultOf('s4')).toMatchObject({ status: 'open', targetsHit: 1, resultPct: null, exitedAt: null });
  });

  it('is exited but unknown when the stop has neither a result nor a price', () => {
    expect(resultOf('s6')).toMatchObject({ status: 'stopped', resultPct: null });
  });

  it('ignores updates published after asOf', () => {
    expect(resultOf('s7')).toMatchObject({ status: 'open', resultPct: null });
    expect(resultOf('s7', NOW + DAY)).toMatchObject({ status: 'closed', resultPct: 30 });
  });

  it('ignores a target hit after the exit', () => {
    const f = published(FIXTURE_SIGNALS[0] as FixtureSignal);
    const r = signalResult(f, [
      { kind: 'stopped', targetIndex: null, price: null, resultPct: -2, publishedAt: NOW - DAY },
      { kind: 'target_hit', targetIndex: 1, price: null, resultPct: null, publishedAt: NOW - DAY + 1 },
    ], NOW);
    expect(r).toMatchObject({ status: 'stopped', resultPct: -2, targetsHit: 0 });
  });
});

describe('the track record', () => {
  const record = trackRecordOf(allResults(), plansOf, NOW);

  it('gives the figures over 7, 30, 90 days and all time', () => {
    for (const w of ['7d', '30d', '90d', 'all'] as const) {
      const { hitRate, ...exact } = EXPECTED[w];
      expect(record.windows[w].all, w).toMatchObject(exact);
      expect(record.windows[w].all.hitRate, w).toBeCloseTo(hitRate, 10);
    }
    expect(record.asOf).toBe(NOW);
  });

  it('gives every band, an empty one included, by window', () => {
    expect(record.windows['7d'].byBand).toEqual(EXPECTED.byBand7d);
    expect(record.windows.all.byBand).toEqual(EXPECTED.byBandAll);
    const none = trackRecordOf([], plansOf, NOW).windows['30d'].byBand.A;
    expect(none).toEqual({ count: 0, open: 0, scored: 0, wins: 0, hitRate: null, averagePct: null, cumulativePct: 0 });
  });

  it('gives each persona, "none" for signals without one', () => {
    expect(record.windows.all.byPersona).toEqual(EXPECTED.byPersonaAll);
    expect(Object.keys(record.windows['7d'].byPersona)).toEqual(['momentum', 'none']);
  });

  it('gives each plan the signals it reached', () => {
    expect(record.windows['7d'].byPlan).toEqual({
      free: { count: 2, open: 1, scored: 1, wins: 1, hitRate: 1, averagePct: 8, cumulativePct: 8 },
      pro: { count: 4, open: 2, scored: 2, wins: 1, hitRate: 0.5, averagePct: 1.5, cumulativePct: 3 },
    });
    expect(record.windows.all.byPlan.pro).toMatchObject({ count: 5, scored: 3, cumulativePct: 15 });
  });

  it('leaves out signals published after now', () => {
    const early = trackRecordOf(allResults(), plansOf, NOW - 6 * 3_600_000);
    expect(early.windows.all.all.count).toBe(6);
  });
});
