import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { EXPECTED, FIXTURE_BANDS, NOW, publishFixture } from '../../core/track-record/track-record.fixtures';
import type { TrackRecord } from '../../core/track-record/types';
import { openMemoryDatabase } from '../../db/client';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { seedSubscribers } from '../../db/testing/seed';
import { EXIT } from '../io';
import { testCli } from './cli.fixtures';

/** The fixture published on a database with a pro subscriber, the clock at the fixture's "now". */
async function fixtureCli() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(NOW - 200 * 86_400_000);
  seedSubscribers(db, { count: 1, planId: 'pro', subscription: { currentPeriodEnd: null }, now: clock.now() });
  await publishFixture(new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: FIXTURE_BANDS }), clock);
  clock.set(NOW);
  return testCli(db, clock, DEFAULT_PLANS);
}

describe('signalcast track-record', () => {
  it('prints every window overall, by band, persona and plan', async () => {
    const { io, run } = await fixtureCli();
    expect(await run('track-record')).toBe(0);
    const out = io.stdout;
    expect(out[0]).toBe('As of 2026-01-31T12:00:00Z.');
    expect(out).toContain('Last 7 days: 4 signals, 2 with a result: 1 win (50%), average +1.5%, total +3.0%; 2 open');
    expect(out).toContain('Last 30 days: 5 signals, 3 with a result: 2 wins (67%), average +5.0%, total +15.0%; 2 open');
    expect(out).toContain('Last 90 days: 6 signals, 4 with a result: 3 wins (75%), average +4.8%, total +19.0%; 2 open');
    expect(out).toContain('All time: 7 signals, 4 with a result: 3 wins (75%), average +4.8%, total +19.0%; 2 open');
    const all = out.slice(out.findIndex((l) => l.startsWith('All time:')));
    expect(all).toEqual([
      'All time: 7 signals, 4 with a result: 3 wins (75%), average +4.8%, total +19.0%; 2 open',
      '  Band A: 3 signals, 2 with a result: 2 wins (100%), average +10.0%, total +20.0%; 1 open',
      '  Band B: 2 signals, 2 with a result: 1 win (50%), average -0.5%, total -1.0%',
      '  Band C: 2 signals, none with a result yet; 1 open',
      '  Persona momentum: 3 signals, 2 with a result: 2 wins (100%), average +10.0%, total +20.0%; 1 open',
      '  Persona none: 2 signals, 1 with a result: 0 wins (0%), average -5.0%, total -5.0%; 1 open',
      '  Persona swing: 2 signals, 1 with a result: 1 win (100%), average +4.0%, total +4.0%',
      '  Plan pro: 7 signals, 4 with a result: 3 wins (75%), average +4.8%, total +19.0%; 2 open',
    ]);
  });

  it('prints the same JSON as the API with --json, one window with --window', async () => {
    const { io, run } = await fixtureCli();
    expect(await run('track-record', '--json')).toBe(0);
    const record = JSON.parse(io.stdout.join('')) as TrackRecord;
    expect(record.asOf).toBe(NOW);
    expect(record.windows.all.byBand).toEqual(EXPECTED.byBandAll);
    io.stdout.length = 0;
    expect(await run('track-record', '--window', '7d', '--json')).toBe(0);
    expect(Object.keys((JSON.parse(io.stdout.join('')) as TrackRecord).windows)).toEqual(['7d']);
  });

  it('refuses a window it does not know, naming the option, with the usage exit code', async () => {
    const { io, run } = await fixtureCli();
    expect(await run('track-record', '--window', '1y')).toBe(EXIT.usage);
    expect(io.stderr.join('\n')).toContain('--window');
    expect(io.stderr.join('\n')).toContain('expected one of 7d, 30d, 90d, all');
    expect(io.stdout).toEqual([]);
  });
});
