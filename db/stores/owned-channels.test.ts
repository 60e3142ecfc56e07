// Channels an account owns (a workspace's chosen channels) follow that account's subscription, as its direct messages do.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../core/accounts/types';
import { FakeClock } from '../../core/clock';
import { checkRecipients } from '../../core/planning/check';
import { DELIVERY_PRIORITY, type PlanningSignal } from '../../core/planning/types';
import { plansFileSchema, type PlansConfig } from '../../core/plans/schema';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { CandidateCache } from './candidate-cache';
import { SqliteSignalService } from './signal-service';

const MINUTE = 60_000;
const SIGNAL: PlanningSignal = { id: 'sig_1', symbol: 'BTCUSDT', side: 'long', band: 'B' };

/** A free plan offered on `freePlatforms` (null: everywhere), delayed 15 minutes, and a paid real-time plan offered everywhere. */
function plansWith(freePlatforms: string[] | null, freeCap: number | null = null): PlansConfig {
  return plansFileSchema.parse({
    plans: [
      { id: 'free', name: 'Free', level: 0, stripePriceId: null, priceCents: 0, delayMinutes: 15, dailyCap: freeCap, platforms: freePlatforms },
      { id: 'desk', name: 'Desk', level: 1, stripePriceId: 'price_desk', priceCents: 50_000 },
    ],
  });
}

let db: Db;
let clock: FakeClock;
let accounts: SqliteAccountStore;
let cache: CandidateCache;
let accountId: string;
let owned: Destination[];
let planRoom: Destination;
let freeRoom: Destination;

const check = (plans: PlansConfig, usage = 0) => checkRecipients(SIGNAL, cache.candidates(), { plans, now: clock.now(), usageToday: () => usage });
const recipientOf = (result: ReturnType<typeof check>, d: Destination) => result.recipients.find((r) => r.destinationId === d.id);

beforeEach(async () => {
  db = openMemoryDatabase();
  clock = new FakeClock();
  accounts = new SqliteAccountStore({ db, clock });
  const desk = await accounts.createAccount({ displayName: 'Desk One' });
  accountId = desk.id;
  await accounts.upsertSubscription({ accountId, stripeSubscriptionId: 'sub_desk', planId: 'desk', status: 'active', currentPeriodEnd: clock.now() + 30 * 24 * 60 * MINUTE });
  owned = [
    await accounts.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C1' }, accountId, contentKinds: ['alert'], isGroup: true }),
    await accounts.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C2' }, accountId, contentKinds: ['alert'], isGroup: true }),
  ];
  planRoom = await accounts.addDestination({ kind: 'channel', recipient: { platform: 'testchat', chatId: '-100' }, planId: 'desk', contentKinds: ['alert'], isGroup: true });
  freeRoom = await accounts.addDestination({ kind: 'channel', recipient: { platform: 'testchat', chatId: '-200' }, contentKinds: ['alert'], isGroup: true });
  cache = new CandidateCache(db.$client);
});

describe('channels an account owns', () => {
  it('get the alert in real time in every channel while the account pays; plan channels behave as before', () => {
    const result = check(plansWith(['testchat']));
    for (const d of owned) {
      expect(recipientOf(result, d)).toMatchObject({ accountId, planId: 'desk', paid: true, priority: DELIVERY_PRIORITY.paidRealtime, dueAt: clock.now(), state: 'pending' });
    }
    expect(recipientOf(result, planRoom)).toMatchObject({ accountId: null, planId: 'desk', paid: true, dueAt: clock.now() });
    expect(recipientOf(result, freeRoom)).toMatchObject({ accountId: null, planId: 'free', paid: false, dueAt: clock.now() + 15 * MINUTE });
    expect(result).toMatchObject({ planned: 4, skipped: 0, excluded: [] });
  });

  it('once lapsed get only what the free plan gives on their platform: nothing where it is not offered, its delayed alert where it is', async () => {
    cache.refresh();
    await accounts.upsertSubscription({ accountId, stripeSubscriptionId: 'sub_desk', planId: 'desk', status: 'canceled' });

    const notOffered = check(plansWith(['testchat']));
    expect(owned.map((d) => recipientOf(notOffered, d))).toEqual([undefined, undefined]);
    expect(notOffered.excluded).toEqual(owned.map((d) => ({ destinationId: d.id, accountId, reason: 'platform_not_in_plan' })));
    expect(recipientOf(notOffered, planRoom)).toMatchObject({ planId: 'desk', paid: true, dueAt: clock.now() });

    const offered = check(plansWith(null));
    for (const d of owned) {
      expect(recipientOf(offered, d)).toMatchObject({ accountId, planId: 'free', paid: false, priority: DELIVERY_PRIORITY.delayed, dueAt: clock.now() + 15 * MINUTE });
    }
    // The lapse reached the kept candidates by patching the account's destinations, not by a rebuild.
    expect(cache.stats.rebuilds).toBe(1);
    expect(cache.stats.patched).toBeGreaterThanOrEqual(2);
  });

  it('take the owner\'s filters, but not its direct-message choices (direct messages off, /stop, quiet hours)', async () => {
    await accounts.updateSettings(accountId, { directMessages: false, paused: true, quietStart: '00:00', quietEnd: '23:59' });
    expect(owned.map((d) => recipientOf(check(plansWith(null)), d)?.dueAt)).toEqual([clock.now(), clock.now()]);

    await accounts.updateSettings(accountId, { minBand: 'A' });
    expect(check(plansWith(null)).excluded).toEqual(owned.map((d) => ({ destinationId: d.id, accountId, reason: 'min_band' })));
  });

  it('share one daily cap decision per account: over it, every channel of the account is written as skipped', async () => {
    await accounts.upsertSubscription({ accountId, stripeSubscriptionId: 'sub_desk', planId: 'desk', status: 'canceled' });
    const result = check(plansWith(null, 2), 2);
    expect(owned.map((d) => recipientOf(result, d))).toEqual(owned.map(() => expect.objectContaining({ state: 'skipped', skipReason: 'daily_cap', accountId })));
    expect(result).toMatchObject({ skipped: 2 });
  });

  it('are written an alert row each when a signal is published, and none once the account lapses', async () => {
    const store = new SqliteSignalService({ db, clock, plans: plansWith(['testchat']), bands: { aMin: 0.8, bMin: 0.6 } });
    const input = { symbol: 'BTCUSDT', market: 'crypto', side: 'long' as const, conviction: 0.7, reasons: ['Breakout'] };
    const rowsFor = (signalId: string) => db.$client.prepare(`SELECT d.id FROM deliveries r JOIN destinations d ON d.ref = r.destination_ref
      WHERE r.content_ref = (SELECT ref FROM signals WHERE id = ?) AND r.kind = 'alert' AND r.state = 'pending' ORDER BY d.ref`).pluck().all(signalId);

    const paid = await store.publish({ ...input, publisherId: 'p-1' }, { publishedBy: 'cli' });
    expect(rowsFor(paid.signal.id)).toEqual([...owned.map((d) => d.id), planRoom.id, freeRoom.id]);

    await accounts.upsertSubscription({ accountId, stripeSubscriptionId: 'sub_desk', planId: 'desk', status: 'canceled' });
    const lapsed = await store.publish({ ...input, publisherId: 'p-2' }, { publishedBy: 'cli' });
    expect(rowsFor(lapsed.signal.id)).toEqual([planRoom.id, freeRoom.id]);
  });
});
