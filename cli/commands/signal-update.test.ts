import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { openMemoryDatabase } from '../../db/client';
import { seedSubscribers } from '../../db/testing/seed';
import { testCli } from './cli.fixtures';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const PUBLISH = ['signal', 'publish', '--publisher-id', 'sig-42', '--symbol', 'BTCUSDT', '--market', 'crypto', '--side', 'long', '--conviction', '0.82', '--reason', 'Breakout'];

function setup() {
  const db = openMemoryDatabase();
  seedSubscribers(db, { count: 2, planId: 'pro', now: NOON });
  return { db, ...testCli(db, new FakeClock(NOON), DEFAULT_PLANS) };
}

const updateRows = (s: ReturnType<typeof setup>) => s.db.$client.prepare("SELECT count(*) FROM deliveries WHERE kind = 'update' AND content_type = 'update'").pluck().get() as number;

describe('signalcast signal update', () => {
  it('records a close once per --update-id, plans it for whoever got the alert and says how many unsent alerts it superseded', async () => {
    const s = setup();
    expect(await s.run(...PUBLISH)).toBe(0);
    // One of the two alerts went out; the other is still pending.
    s.db.$client.prepare("UPDATE deliveries SET state = 'sent' WHERE id = (SELECT min(id) FROM deliveries WHERE kind = 'alert')").run();
    expect(await s.run('signal', 'update', 'sig-42', '--by-publisher-id', '--kind', 'closed', '--result-pct', '3.5', '--price', '67000', '--update-id', 'u-1')).toBe(0);
    expect(s.io.stdout.at(-1)).toMatch(/^Recorded closed \(upd_\w+\) for sig_\w+: 1 deliveries planned, one where its alert went\. 1 unsent alerts and rationales superseded: they will not be sent\.$/);
    expect(await s.run('signal', 'update', 'sig-42', '--by-publisher-id', '--kind', 'closed', '--result-pct', '3.5', '--update-id', 'u-1')).toBe(0);
    expect(s.io.stdout.at(-1)).toMatch(/^Already recorded: update id "u-1" is update upd_\w+ of sig_\w+; nothing new was planned or superseded\.$/);
    expect(updateRows(s)).toBe(1);
    expect(s.db.$client.prepare("SELECT state FROM deliveries WHERE kind = 'alert' ORDER BY id").pluck().all()).toEqual(['sent', 'superseded']);
    expect(s.db.$client.prepare('SELECT kind, result_pct, price, publisher_update_id FROM signal_updates').all())
      .toEqual([{ kind: 'closed', result_pct: 3.5, price: 67000, publisher_update_id: 'u-1' }]);
  });

  it('names the flag of a bad field and an unknown signal, and records nothing', async () => {
    const s = setup();
    expect(await s.run(...PUBLISH)).toBe(0);
    const id = s.db.$client.prepare('SELECT id FROM signals').pluck().get() as string;
    expect(await s.run('signal', 'update', id, '--kind', 'closed', '--price', '-1')).toBe(2);
    const errors = s.io.stderr.join('\n');
    expect(errors).toContain('--price');
    expect(errors).toContain('--result-pct');
    expect(await s.run('signal', 'update', 'sig_nope', '--kind', 'stopped')).not.toBe(0);
    expect(s.io.stderr.join('\n')).toContain('signal sig_nope not found');
    expect(s.db.$client.prepare('SELECT count(*) FROM signal_updates').pluck().get()).toBe(0);
    expect(updateRows(s)).toBe(0);
  });
});
