// protect_content is planned per plan: a paid channel and paid direct messages go protected, free ones not, through to the message sent.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import type { PlansConfig } from '../../core/plans/schema';
import { openMemoryDatabase } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { SqliteAuditLog } from './audit-store';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { SqliteSignalService } from './signal-service';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const LATER = NOON + 60 * 60_000;

async function planned(plans: PlansConfig) {
  const db = openMemoryDatabase();
  const clock = new FakeClock(NOON);
  const pro = seedSubscribers(db, { count: 2, planId: 'pro', now: NOON });
  const free = seedSubscribers(db, { count: 1, now: NOON });
  const vipRoom = seedChannel(db, { planId: 'vip', now: NOON });
  const publicRoom = seedChannel(db, { now: NOON });
  const signals = new SqliteSignalService({ db, clock, plans, bands: { aMin: 0.8, bMin: 0.6 } });
  await signals.publish({ publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'] }, { publishedBy: 'cli' });
  const store = new SqliteDeliveryStore({ db, clock, audit: new SqliteAuditLog({ db, clock }) });
  // Read when each is due: the real-time alerts now (15 minutes on they have expired), the free plan's 15 minutes later.
  const due = [NOON, NOON + 15 * 60_000].flatMap((now) => store.findDue({ now, platforms: ['testchat'], limit: 100 }));
  const resolver = new SqliteContentResolver({ db });
  const protectedAt = (destinationId: string) => {
    const delivery = due.find((d) => d.destinationId === destinationId);
    if (!delivery) throw new Error(`no delivery for ${destinationId}`);
    const message = resolver.resolve(delivery, LATER);
    return message.kind === 'alert' ? (message.protectContent ?? false) : 'not an alert';
  };
  return { pro, free, vipRoom, publicRoom, protectedAt };
}

describe('protect_content, planned per plan', () => {
  it('protects the alerts of paid plans, in channels and direct messages, and not the free plan\'s', async () => {
    const w = await planned(DEFAULT_PLANS);
    expect(w.pro.destinationIds.map(w.protectedAt)).toEqual([true, true]);
    expect(w.protectedAt(w.vipRoom.destinationId)).toBe(true);
    expect(w.protectedAt(w.free.destinationIds[0]!)).toBe(false);
    expect(w.protectedAt(w.publicRoom.destinationId)).toBe(false);
  });

  it('follows a plans file that turns it off for a paid plan and on for the free one', async () => {
    const plans: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => ({ ...p, protectContent: p.id === 'free' })) };
    const w = await planned(plans);
    expect(w.pro.destinationIds.map(w.protectedAt)).toEqual([false, false]);
    expect(w.protectedAt(w.vipRoom.destinationId)).toBe(false);
    expect(w.protectedAt(w.free.destinationIds[0]!)).toBe(true);
  });
});
