import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { noopMetrics } from '../../core/metrics';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { recordingLogger } from '../../core/testing/logger';
import { openMemoryDatabase, type Db } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { SqliteSignalService } from './signal-service';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

let db: Db;
let clock: FakeClock;
let service: SqliteSignalService;

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  service = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, logger: recordingLogger([]), metrics: noopMetrics });
});

let n = 0;
const publish = (publisherId = `p${++n}`) =>
  service.publish({ publisherId, symbol: 'BTC_USDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['r'] }, { publishedBy: 'test' });
const reach = () => db.$client.prepare('SELECT s.publisher_id AS signal, r.plan_id AS plan FROM signal_reach r JOIN signals s ON s.ref = r.signal_ref ORDER BY s.ref, r.plan_id').all();

describe('signal_reach', () => {
  it('has one row per signal and plan whose alert was planned, however many subscribers and channels the plan has', async () => {
    seedSubscribers(db, { count: 3, planId: 'pro', now: NOON });
    seedChannel(db, { planId: 'pro', now: NOON });
    seedSubscribers(db, { count: 2, now: NOON });
    await publish('a');
    expect(reach()).toEqual([{ signal: 'a', plan: 'free' }, { signal: 'a', plan: 'pro' }]);
  });

  it('leaves out a plan whose every alert was skipped (the free daily cap)', async () => {
    seedSubscribers(db, { count: 1, planId: 'vip', now: NOON });
    seedSubscribers(db, { count: 2, now: NOON });
    for (const id of ['a', 'b', 'c', 'd']) await publish(id);
    expect(reach().filter((r) => (r as { signal: string }).signal === 'd')).toEqual([{ signal: 'd', plan: 'vip' }]);
  });

  it('writes nothing for a replayed publisher id, nor for a signal nobody was planned for', async () => {
    await publish('lonely');
    seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    await publish('a');
    await publish('a');
    expect(reach()).toEqual([{ signal: 'a', plan: 'pro' }]);
  });

  it('commits with the deliveries or not at all', async () => {
    seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    db.$client.exec("CREATE TRIGGER fail_deliveries BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    await expect(publish('a')).rejects.toThrow();
    expect(reach()).toEqual([]);
    expect(db.$client.prepare('SELECT count(*) AS n FROM signals').get()).toEqual({ n: 0 });
  });
});
