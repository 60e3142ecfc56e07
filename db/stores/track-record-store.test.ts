import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { noopMetrics } from '../../core/metrics';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { recordingLogger } from '../../core/testing/logger';
import { DAY, EXPECTED, FIXTURE_BANDS, HOUR, NOW, publishFixture } from '../../core/track-record/track-record.fixtures';
import { openMemoryDatabase, type Db } from '../client';
import { signalReach } from '../schema';
import { seedSubscribers } from '../testing/seed';
import { SqliteSignalService } from './signal-service';
import { SqliteTrackRecord, TRACK_RECORD_SQL } from './track-record-store';

const START = NOW - 200 * DAY;

let db: Db;
let clock: FakeClock;
let service: SqliteSignalService;
let track: SqliteTrackRecord;

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(START);
  service = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: FIXTURE_BANDS, logger: recordingLogger([]), metrics: noopMetrics });
  track = new SqliteTrackRecord({ db });
});

/** Subscribers of pro, of vip (band A only) and of free, subscribed for good before the fixture begins. */
function seedPlans(): void {
  const forGood = { currentPeriodEnd: null };
  seedSubscribers(db, { count: 2, planId: 'pro', subscription: forGood, now: START });
  seedSubscribers(db, { count: 1, planId: 'vip', subscription: forGood, settings: { minBand: 'A' }, now: START });
  seedSubscribers(db, { count: 1, now: START });
}

describe('the track record on SQLite', () => {
  it('gives the fixture figures by window, band and persona from what was published', async () => {
    seedPlans();
    await publishFixture(service, clock);
    const record = track.record(NOW);
    for (const w of ['7d', '30d', '90d', 'all'] as const) {
      const { hitRate, ...exact } = EXPECTED[w];
      expect(record.windows[w].all, w).toMatchObject(exact);
      expect(record.windows[w].all.hitRate, w).toBeCloseTo(hitRate, 10);
    }
    expect(record.windows['7d'].byBand).toEqual(EXPECTED.byBand7d);
    expect(record.windows.all.byBand).toEqual(EXPECTED.byBandAll);
    expect(record.windows.all.byPersona).toEqual(EXPECTED.byPersonaAll);
  });

  it('gives each plan what its subscribers were sent, through signal_reach written at publish', async () => {
    seedPlans();
    await publishFixture(service, clock);
    const byPlan = track.record(NOW).windows.all.byPlan;
    expect(Object.keys(byPlan)).toEqual(['free', 'pro', 'vip']);
    expect(byPlan.pro).toMatchObject({ count: 7, scored: 4, cumulativePct: 19 });
    // The vip subscriber takes band A only: s1, s3, s7.
    expect(byPlan.vip).toEqual(EXPECTED.byBandAll.A);
    expect(db.select().from(signalReach).all()).toHaveLength(7 + 3 + 7);
  });

  it('leaves out of a plan the signals its daily cap skipped', async () => {
    seedSubscribers(db, { count: 1, planId: 'pro', subscription: { currentPeriodEnd: null }, now: START });
    seedSubscribers(db, { count: 1, now: START });
    for (let i = 0; i < 4; i++) {
      clock.set(NOW - 10 * HOUR + i * HOUR);
      await service.publish({ publisherId: `cap-${i}`, symbol: 'BTC_USDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['r'] }, { publishedBy: 'test' });
    }
    const byPlan = track.record(NOW).windows['7d'].byPlan;
    expect(byPlan.pro?.count).toBe(4);
    // The free plan's daily cap is 3: the fourth alert was skipped, so the free plan never had it.
    expect(byPlan.free?.count).toBe(3);
  });

  it('lists each signal published in [from, to) in publish order, with updates after asOf ignored', async () => {
    await publishFixture(service, clock);
    const results = track.results(NOW - 3 * DAY, NOW, NOW - DAY - 1);
    expect(results.map((r) => [r.symbol, r.status, r.resultPct])).toEqual([
      ['ETH_USDT', 'stopped', -5],
      ['BTC_USDT', 'open', null],
      ['XRP_USDT', 'open', null],
      ['LINK_USDT', 'open', null],
    ]);
    expect(track.results(NOW - 3 * DAY, NOW, NOW + 2 * HOUR).find((r) => r.symbol === 'LINK_USDT')).toMatchObject({ status: 'closed', resultPct: 30 });
    expect(track.results(NOW - 3 * DAY, NOW - 3 * DAY, NOW)).toEqual([]);
  });

  it('reads thousands of signals with a fixed number of queries', async () => {
    const sqlite = db.$client;
    const insert = sqlite.prepare(`INSERT INTO signals (id, publisher_id, symbol, market, side, conviction, band, reasons, entry, created_at)
      VALUES (?, ?, 'BTC_USDT', 'crypto', 'long', 0.9, 'A', '["r"]', 100, ?)`);
    const update = sqlite.prepare(`INSERT INTO signal_updates (id, signal_id, kind, result_pct, created_at, ref) VALUES (?, ?, 'closed', 1, ?, ?)`);
    sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        insert.run(`sig_${i}`, `p_${i}`, NOW - (i + 1) * 60_000);
        update.run(`upd_${i}`, `sig_${i}`, NOW - (i + 1) * 60_000 + 1, i + 1);
      }
    })();
    // Every statement the store prepares counts its reads.
    const prepare = sqlite.prepare.bind(sqlite);
    let reads = 0;
    sqlite.prepare = ((source: string) => {
      const stmt = prepare(source);
      const all = stmt.all.bind(stmt);
      stmt.all = ((...args: unknown[]) => { reads += 1; return all(...args); }) as typeof stmt.all;
      return stmt;
    }) as typeof sqlite.prepare;
    const record = new SqliteTrackRecord({ db }).record(NOW);
    expect(record.windows.all.all).toMatchObject({ count: 3000, scored: 3000, wins: 3000, cumulativePct: 3000 });
    expect(record.windows['7d'].all.count).toBe(3000);
    expect(reads).toBe(3);
  });

  it('finds signals by their publish time, and their updates and reach through their own indexes', () => {
    const plan = (sql: string) => (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ from: 0, to: 1, asOf: 1 }) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan(TRACK_RECORD_SQL.signals)).toMatch(/SEARCH signals USING INDEX signals_created_at_idx/);
    expect(plan(TRACK_RECORD_SQL.updates)).toMatch(/SEARCH s USING INDEX signals_created_at_idx[\s\S]*SEARCH u USING INDEX signal_updates_signal_idx/);
    expect(plan(TRACK_RECORD_SQL.reach)).toMatch(/SEARCH r USING COVERING INDEX signal_reach_signal_plan_idx/);
    for (const sql of Object.values(TRACK_RECORD_SQL)) expect(plan(sql)).not.toMatch(/\bSCAN\b/);
  });
});
