// Test helpers for the quiet-hours digest: subscribers in quiet hours 23:00-07:00 UTC, planned through the real checker and AlertWriter.
import { FakeClock } from '../../core/clock';
import type { DueDelivery } from '../../core/delivery/ports';
import { checkRecipients } from '../../core/planning/check';
import type { Candidate, PlanningAccount, RecipientCheck } from '../../core/planning/types';
import { parseSignalInput } from '../../core/signals/validate';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers, type SeededSubscribers } from '../testing/seed';
import { AlertWriter } from './alert-writer';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { SqliteSignalStore } from './signal-store';

/** 23:30 UTC: inside the quiet hours. */
export const NIGHT = Date.UTC(2026, 10, 22, 23, 30);
/** 07:00 UTC the next day: the quiet window's end, when its digest is due. */
export const MORNING = Date.UTC(2026, 10, 23, 7, 0);
export const NIGHT_DAY = '2026-11-22';

export function quietAccount(id: string, planId = 'pro'): PlanningAccount {
  return {
    id, symbolFilter: null, minBand: null, sideFilter: null, directMessages: true, quietStart: '23:00', quietEnd: '07:00', timeZone: 'UTC', paused: false,
    subscriptions: [{ id: `sub_${id}`, planId, status: 'active', currentPeriodEnd: NIGHT + 10 * 86_400_000, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe' }],
  };
}

export interface QuietWorld {
  db: Db;
  seeded: SeededSubscribers;
  refOf: Map<string, number>;
  accounts: PlanningAccount[];
  /** One direct candidate per subscriber, their accounts quiet 23:00-07:00 UTC on Pro. */
  candidates: Candidate[];
  /** Plans signal `signalRef`'s alerts for the candidates at `now` (default NIGHT), as publishing does. */
  publish(signalRef: number, candidates: Candidate[], now?: number): RecipientCheck;
  /** The destination ref of subscriber i. */
  ref(i: number): number;
}

/** `count` Pro subscribers with quiet hours 23:00-07:00 UTC, on a fresh database with the real migrations. */
export function quietWorld(count: number, db: Db = openMemoryDatabase()): QuietWorld {
  const seeded = seedSubscribers(db, { count, now: NIGHT });
  const refOf = new Map(db.$client.prepare('SELECT id, ref FROM destinations').raw().all() as [string, number][]);
  const accounts = seeded.accountIds.map((id) => quietAccount(id));
  const candidates: Candidate[] = seeded.destinationIds.map((destinationId, i) => ({
    kind: 'direct', destinationId, platform: 'testchat', recipientKey: `testchat:${destinationId}`, account: accounts[i] as PlanningAccount,
  }));
  const writer = new AlertWriter(db.$client);
  const signalOf = (ref: number) => db.$client.prepare('SELECT id, symbol, side, band FROM signals WHERE ref = ?').get(ref) as { id: string; symbol: string; side: 'long'; band: 'A' } | undefined;
  const publish = (signalRef: number, cands: Candidate[], now = NIGHT) => {
    const signal = signalOf(signalRef) ?? { id: `sig_${signalRef}`, symbol: 'BTC_USDT', side: 'long', band: 'A' };
    const check = checkRecipients(signal, cands, { plans: DEFAULT_PLANS, now, usageToday: () => 0 });
    writer.write({ signalRef, recipients: check.recipients, now, utcDay: NIGHT_DAY, refOf: (id) => refOf.get(id) as number, capped: (planId) => planId === 'free' });
    return check;
  };
  return { db, seeded, refOf, accounts, candidates, publish, ref: (i) => refOf.get(seeded.destinationIds[i] as string) as number };
}

const HOUR = 3_600_000;

/** Two quiet Pro subscribers; BTC, ETH and SOL published at night, one an hour, each held for both until 07:00. */
export function quietNight() {
  const w = quietWorld(2);
  const signals = new SqliteSignalStore({ db: w.db, clock: new FakeClock(NIGHT) });
  const publish = (symbol: string, at: number) => {
    const stored = signals.insert({ input: parseSignalInput({ publisherId: `p-${symbol}`, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'], entry: 100, stop: 95, targets: [110] }), band: 'A', publishedBy: 'cli', createdAt: at });
    w.publish(stored.ref, w.candidates, at);
    return stored;
  };
  const btc = publish('BTCUSDT', NIGHT);
  const eth = publish('ETHUSDT', NIGHT + HOUR);
  const sol = publish('SOLUSDT', NIGHT + 2 * HOUR);
  const store = new SqliteDeliveryStore({ db: w.db, clock: new FakeClock(MORNING) });
  const resolver = new SqliteContentResolver({ db: w.db });
  /** The digest rows due at 07:00, as the dispatcher finds them. */
  const due = () => store.findDue({ now: MORNING, platforms: ['testchat'], limit: 100 }).filter((d) => d.kind === 'digest');
  const digestFor = (i: number) => due().find((d) => d.destinationId === w.seeded.destinationIds[i]) as DueDelivery;
  return { ...w, signals, btc, eth, sol, store, resolver, due, digestFor };
}
