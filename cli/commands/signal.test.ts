import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { openMemoryDatabase } from '../../db/client';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { seedSubscribers } from '../../db/testing/seed';
import { testCli } from './cli.fixtures';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const PUBLISH = ['signal', 'publish', '--publisher-id', 'sig-7', '--symbol', 'BTCUSDT', '--market', 'crypto', '--side', 'long', '--conviction', '0.82', '--reason', 'Breakout'];

describe('signalcast signal publish', () => {
  it('prints the first chunk planned, that the running service plans the rest, and the estimate per platform', async () => {
    const db = openMemoryDatabase();
    const clock = new FakeClock(NOON);
    seedSubscribers(db, { count: 5, planId: 'pro', now: NOON });
    const signals = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, chunkSize: 2, rates: { perSecond: () => 30 } });
    const s = testCli(db, clock, DEFAULT_PLANS, { signals });
    expect(await s.run(...PUBLISH)).toBe(0);
    expect(s.io.stdout.slice(1)).toEqual([
      '2 deliveries planned, 0 skipped so far: the running service plans the rest of its 5 candidates in chunks.',
      'testchat: 5 candidates, about 1 s to reach them all at the configured rate.',
    ]);
    expect(db.$client.prepare('SELECT state, cursor FROM planning_jobs').all()).toEqual([{ state: 'planning', cursor: 2 }]);
  });
});
