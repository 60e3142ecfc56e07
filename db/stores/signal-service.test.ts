import { eq, getTableColumns } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { ValidationError } from '../../core/errors';
import { noopMetrics } from '../../core/metrics';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import type { SignalInput } from '../../core/types';
import { openMemoryDatabase, type Db } from '../client';
import { auditEvents, deliveries, destinations, identities, signals, signalUpdates } from '../schema';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { SqliteAccountStore } from './account-store';
import { SqliteSignalService } from './signal-service';

const MIN = 60_000;
const DAY = 86_400_000;
const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

let db: Db;
let clock: FakeClock;
let store: SqliteSignalService;
let logs: LogRecord[];
let planned: [number, number][];

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  logs = [];
  planned = [];
  store = new SqliteSignalService({
    db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, logger: recordingLogger(logs),
    metrics: { ...noopMetrics, deliveriesPlanned: (p, s) => planned.push([p, s]) },
  });
});

let counter = 0;
function signalInput(fields: Partial<SignalInput> = {}): SignalInput {
  return { publisherId: `pub-${++counter}`, symbol: 'BTC_USDT', market: 'crypto', side: 'long', conviction: 0.85, reasons: ['breakout'], ...fields };
}

/** A signal's delivery rows (found through its ref), with what they read from their destination. */
const rowsOf = (signalId: string) => db
  .select({
    ...getTableColumns(deliveries),
    destinationId: destinations.id, platform: destinations.platform, recipientKey: destinations.recipientKey, accountId: destinations.accountId,
  })
  .from(deliveries).innerJoin(destinations, eq(destinations.ref, deliveries.destinationRef))
  .innerJoin(signals, eq(signals.ref, deliveries.contentRef))
  .where(eq(signals.id, signalId)).orderBy(deliveries.id).all();
const count = (table: typeof signals | typeof deliveries) => db.$count(table);

describe('publish', () => {
  it('stores the signal with its band and plans a delivery per entitled destination', async () => {
    const pro = seedSubscribers(db, { count: 3, planId: 'pro', now: NOON });
    const free = seedSubscribers(db, { count: 2, now: NOON });
    const vipRoom = seedChannel(db, { planId: 'vip', now: NOON });

    const out = await store.publish(signalInput({ conviction: 0.7 }), { publishedBy: 'api-key:k1' });
    expect(out).toMatchObject({ duplicate: false, planned: 6, skipped: 0 });
    expect(out.signal).toMatchObject({ band: 'B', symbol: 'BTC_USDT', createdAt: new Date(NOON) });

    const rows = rowsOf(out.signal.id);
    const byDestination = new Map(rows.map((r) => [r.destinationId, r]));
    for (const id of pro.destinationIds) {
      expect(byDestination.get(id)).toMatchObject({
        state: 'pending', priority: 0, dueAt: NOON, kind: 'alert', contentType: 'signal', platform: 'testchat', capAccountId: null, capDay: null, attempts: 0,
      });
    }
    // Only the free plan has a daily cap: only its rows carry the account and the UTC day it counts them on.
    free.destinationIds.forEach((id, i) => expect(byDestination.get(id)).toMatchObject({
      state: 'pending', priority: 10, dueAt: NOON + 15 * MIN, capAccountId: free.accountIds[i], capDay: '2026-01-15',
    }));
    expect(byDestination.get(vipRoom.destinationId)).toMatchObject({ priority: 0, dueAt: NOON, accountId: null, recipientKey: vipRoom.recipientKey, capDay: null });
    expect(byDestination.get(pro.destinationIds[0] as string)).toMatchObject({ accountId: pro.accountIds[0], recipientKey: `testchat:${pro.chatIds[0]}`, createdAt: NOON, updatedAt: NOON });

    const audit = db.select().from(auditEvents).where(eq(auditEvents.subjectId, out.signal.id)).all();
    expect(audit).toEqual([expect.objectContaining({ action: 'signal.published', actor: 'api-key:k1', data: expect.objectContaining({ planned: 6, skipped: 0 }) })]);
    expect(db.select().from(signals).get()?.publishedBy).toBe('api-key:k1');
    expect(planned).toEqual([[6, 0]]);
  });

  it('returns the first result for a publisher id seen before and creates nothing', async () => {
    seedSubscribers(db, { count: 2, planId: 'pro' });
    const first = await store.publish(signalInput({ publisherId: 'same' }), { publishedBy: 'cli' });
    seedSubscribers(db, { count: 5, planId: 'pro' });
    clock.set(NOON + DAY);
    const again = await store.publish(signalInput({ publisherId: 'same', symbol: 'ETH' }), { publishedBy: 'cli' });

    expect(again).toEqual({ ...first, duplicate: true });
    expect(await count(signals)).toBe(1);
    expect(await count(deliveries)).toBe(2);
    expect(planned).toEqual([[2, 0]]);
  });

  it('writes nothing at all when something fails inside the transaction', async () => {
    seedSubscribers(db, { count: 3, planId: 'pro' });
    db.$client.exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    await expect(store.publish(signalInput(), { publishedBy: 'cli' })).rejects.toThrow('disk on fire');
    expect(await count(signals)).toBe(0);
    expect(await count(deliveries)).toBe(0);

    db.$client.exec('DROP TRIGGER fail_audit');
    const { destinationIds } = seedSubscribers(db, { count: 1, planId: 'pro' });
    db.$client.exec(`CREATE TRIGGER fail_one BEFORE INSERT ON deliveries WHEN NEW.destination_ref = (SELECT ref FROM destinations WHERE id = '${destinationIds[0]}') BEGIN SELECT RAISE(ABORT, 'no room'); END`);
    await expect(store.publish(signalInput(), { publishedBy: 'cli' })).rejects.toThrow('no room');
    expect(await count(signals)).toBe(0);
    expect(await count(deliveries)).toBe(0);
  });

  it('rejects bad input and stores nothing', async () => {
    await expect(store.publish({ ...signalInput(), conviction: 2 }, { publishedBy: 'cli' })).rejects.toBeInstanceOf(ValidationError);
    expect(await count(signals)).toBe(0);
  });

  it('plans nothing for disabled destinations or those that take no alerts', async () => {
    const { destinationIds } = seedSubscribers(db, { count: 2, planId: 'pro' });
    db.update(destinations).set({ enabled: false }).where(eq(destinations.id, destinationIds[0] as string)).run();
    seedSubscribers(db, { count: 1, planId: 'pro', contentKinds: ['snapshot'] });
    const out = await store.publish(signalInput(), { publishedBy: 'cli' });
    expect(rowsOf(out.signal.id).map((r) => r.destinationId)).toEqual([destinationIds[1]]);
  });

  it('follows an identity to the account it was linked to', async () => {
    const accounts = new SqliteAccountStore({ db, clock });
    const paying = await accounts.createAccount();
    await accounts.upsertSubscription({ accountId: paying.id, stripeSubscriptionId: 'sub_x', planId: 'pro', status: 'active', currentPeriodEnd: NOON + DAY });
    const { identityIds } = seedSubscribers(db, { count: 1 });
    db.update(identities).set({ accountId: paying.id }).where(eq(identities.id, identityIds[0] as string)).run();
    const out = await store.publish(signalInput(), { publishedBy: 'cli' });
    // Priority 0 is the paying account's pro plan: the identity's first account is on the free plan (10).
    expect(rowsOf(out.signal.id)).toEqual([expect.objectContaining({ priority: 0, dueAt: NOON, capAccountId: null })]);
  });

  it('keeps delivering at the plan of a subscription with an unknown status, and warns the operator', async () => {
    const { accountIds } = seedSubscribers(db, { count: 2, planId: 'pro', status: 'suspended_by_bank' });
    const out = await store.publish(signalInput(), { publishedBy: 'cli' });
    expect(rowsOf(out.signal.id).map((r) => [r.state, r.priority, r.dueAt])).toEqual([['pending', 0, NOON], ['pending', 0, NOON]]);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', obj: expect.objectContaining({ status: 'suspended_by_bank', accounts: 2, accountIds }), msg: expect.stringContaining('unknown status') }]);
  });

  it('defers direct messages due inside quiet hours to their end', async () => {
    clock.set(Date.UTC(2026, 0, 15, 23, 30));
    seedSubscribers(db, { count: 1, planId: 'pro', settings: { quietStart: '23:00', quietEnd: '06:30', timeZone: 'UTC' } });
    seedSubscribers(db, { count: 1, planId: 'pro' });
    const out = await store.publish(signalInput(), { publishedBy: 'cli' });
    expect(rowsOf(out.signal.id).map((r) => r.dueAt)).toEqual([Date.UTC(2026, 0, 16, 6, 30), Date.UTC(2026, 0, 15, 23, 30)]);
  });

  it('applies account filters without writing rows for them', async () => {
    seedSubscribers(db, { count: 1, planId: 'pro', settings: { symbolFilter: ['eth'] } });
    seedSubscribers(db, { count: 1, planId: 'pro', settings: { minBand: 'A' } });
    seedSubscribers(db, { count: 1, planId: 'pro', settings: { paused: true } });
    const { destinationIds } = seedSubscribers(db, { count: 1, planId: 'pro', settings: { symbolFilter: ['btc_usdt'], sideFilter: ['long'] } });
    const out = await store.publish(signalInput({ conviction: 0.7 }), { publishedBy: 'cli' });
    expect(out).toMatchObject({ planned: 1, skipped: 0 });
    expect(rowsOf(out.signal.id).map((r) => r.destinationId)).toEqual(destinationIds);
  });
});

describe('daily cap', () => {
  it('counts distinct signals per account per UTC day and writes a skipped row over the cap', async () => {
    const { destinationIds, accountIds } = seedSubscribers(db, { count: 1 }); // free: 3 a day
    for (let i = 0; i < 3; i++) expect(await store.publish(signalInput(), { publishedBy: 'cli' })).toMatchObject({ planned: 1, skipped: 0 });
    const fourth = await store.publish(signalInput(), { publishedBy: 'cli' });
    expect(fourth).toMatchObject({ planned: 0, skipped: 1 });
    expect(rowsOf(fourth.signal.id)).toEqual([expect.objectContaining({ destinationId: destinationIds[0], state: 'skipped', skipReason: 'daily_cap', capDay: null })]);
    expect((await store.publish(signalInput(), { publishedBy: 'cli' })).skipped).toBe(1);

    clock.set(Date.UTC(2026, 0, 16, 0, 0, 0));
    const nextDay = await store.publish(signalInput(), { publishedBy: 'cli' });
    expect(rowsOf(nextDay.signal.id)).toEqual([expect.objectContaining({ state: 'pending', capAccountId: accountIds[0], capDay: '2026-01-16' })]);
  });

  it('counts nothing for a free channel: its rows carry no account and no day', async () => {
    const room = seedChannel(db, { planId: null, now: NOON });
    for (let i = 0; i < 4; i++) expect(await store.publish(signalInput(), { publishedBy: 'cli' })).toMatchObject({ skipped: 0 });
    const rows = db.select().from(deliveries).all();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.capAccountId === null && r.capDay === null && r.state === 'pending')).toBe(true);
    const first = db.select({ id: signals.id }).from(signals).where(eq(signals.ref, rows[0]!.contentRef)).get()!;
    expect(rowsOf(first.id)).toEqual([expect.objectContaining({ destinationId: room.destinationId, priority: 10 })]);
  });

  it('counts a signal once for an account with two direct destinations', async () => {
    const accounts = new SqliteAccountStore({ db, clock });
    const { accountIds } = seedSubscribers(db, { count: 1 });
    const accountId = accountIds[0] as string;
    await accounts.addDestination({ kind: 'direct', recipient: { platform: 'whatsapp', chatId: '+100' }, accountId, contentKinds: ['alert'] });
    for (let i = 0; i < 3; i++) expect(await store.publish(signalInput(), { publishedBy: 'cli' })).toMatchObject({ planned: 2, skipped: 0 });
    expect(await store.publish(signalInput(), { publishedBy: 'cli' })).toMatchObject({ planned: 0, skipped: 2 });
  });

  it('does not count deliveries skipped for another reason', async () => {
    seedSubscribers(db, { count: 1 });
    for (let i = 0; i < 3; i++) await store.publish(signalInput(), { publishedBy: 'cli' });
    // As the delivery store skips them when their destination is disabled: without their cap fields.
    db.update(deliveries).set({ state: 'skipped', skipReason: 'destination_disabled', capDay: null, capAccountId: null }).run();
    expect(await store.publish(signalInput(), { publishedBy: 'cli' })).toMatchObject({ planned: 1, skipped: 0 });
  });

  it('plans thousands of subscribers read in several batches and chunks, one cap decision per account across them', async () => {
    // More candidates than it keeps in memory: each chunk reads its 2,000 from the database; the publish plans the first 500.
    const store = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, maxCachedCandidates: 1_000 });
    const accounts = new SqliteAccountStore({ db, clock });
    const early = seedSubscribers(db, { count: 1 });
    const crowd = seedSubscribers(db, { count: 12_000, planId: 'pro' });
    const accountId = early.accountIds[0] as string;
    // Its second destination comes after the crowd: in the last chunk, its first in the publish's.
    await accounts.addDestination({ kind: 'direct', recipient: { platform: 'telegram', chatId: '777' }, accountId, contentKinds: ['alert'] });
    const publish = async (input: SignalInput) => {
      const outcome = await store.publish(input, { publishedBy: 'cli' });
      while (store.planning.runChunk());
      return outcome;
    };
    for (let i = 0; i < 2; i++) await publish(signalInput());

    // The third signal is under the cap for both destinations, though its first chunk is written before its last is read.
    const third = await publish(signalInput());
    expect(third).toMatchObject({ candidates: 12_002, planning: 'in_progress', planned: 500 });
    expect(rowsOf(third.signal.id).filter((r) => r.accountId === accountId).map((r) => r.state)).toEqual(['pending', 'pending']);
    const input = signalInput();
    await publish(input);
    // A replay answers the job's counts, all chunks planned.
    expect(await store.publish(input, { publishedBy: 'cli' })).toMatchObject({ duplicate: true, planned: 12_000, skipped: 2, candidates: 12_002, planning: 'done' });
    const out = await store.publish(input, { publishedBy: 'cli' });
    const rows = rowsOf(out.signal.id);
    expect(new Set(rows.map((r) => r.destinationId)).size).toBe(12_002);
    expect(rows.filter((r) => r.accountId === accountId).map((r) => r.skipReason)).toEqual(['daily_cap', 'daily_cap']);
    expect(rows.find((r) => r.destinationId === crowd.destinationIds[11_999])).toMatchObject({ state: 'pending', priority: 0 });
  });

  it('plans the same rows whether the candidates are kept in memory or read at each publish', async () => {
    const reading = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, maxCachedCandidates: 0 });
    seedSubscribers(db, { count: 30, planId: 'pro' });
    seedSubscribers(db, { count: 20 });
    seedSubscribers(db, { count: 10, planId: 'vip', settings: { quietStart: '11:00', quietEnd: '13:00', timeZone: 'UTC' } });
    seedChannel(db, { planId: 'pro' });
    const shape = (signalId: string) => rowsOf(signalId).map((r) => [r.destinationId, r.state, r.priority, r.dueAt, r.capDay, r.capAccountId, r.skipReason]);

    const kept = await store.publish(signalInput(), { publishedBy: 'cli' });
    const read = await reading.publish(signalInput(), { publishedBy: 'cli' });
    expect(read).toMatchObject({ planned: kept.planned, skipped: kept.skipped });
    expect(shape(read.signal.id)).toEqual(shape(kept.signal.id));
    expect(shape(kept.signal.id)).toHaveLength(61);
  });

  it('plans the same rows while its candidates build in the background as once they are kept', async () => {
    const background = new SqliteSignalService({
      db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, candidateBuild: { yieldNow: () => new Promise((r) => setImmediate(r)) },
    });
    seedSubscribers(db, { count: 5_100, planId: 'pro' });
    seedSubscribers(db, { count: 40, settings: { quietStart: '11:00', quietEnd: '13:00', timeZone: 'UTC' } });
    const shape = (signalId: string) => rowsOf(signalId).map((r) => [r.destinationId, r.state, r.priority, r.dueAt, r.skipReason]);
    const publish = async (service: SqliteSignalService) => {
      const outcome = await service.publish(signalInput(), { publishedBy: 'cli' });
      while (service.planning.runChunk());
      return outcome;
    };

    // Above syncBuildMax: the refresh starts the build and the first publish reads its candidates from the database.
    background.refreshCandidates();
    const during = await publish(background);
    await background.candidatesReady();
    const kept = await publish(background);
    const reference = await publish(store);
    expect(during).toMatchObject({ candidates: 5_140 });
    expect(shape(during.signal.id)).toHaveLength(5_140);
    expect(shape(kept.signal.id)).toEqual(shape(reference.signal.id));
    expect(shape(during.signal.id)).toEqual(shape(reference.signal.id));
    background.closeCandidates();
  });

  it('leaves paid plans without a cap alone', async () => {
    seedSubscribers(db, { count: 1, planId: 'pro' });
    for (let i = 0; i < 5; i++) expect((await store.publish(signalInput(), { publishedBy: 'cli' })).planned).toBe(1);
  });
});

describe('planning in chunks', () => {
  it('a stop that comes mid-planning supersedes what was planned and cancels the rest: the runner plans nothing more', async () => {
    const chunked = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, chunkSize: 3 });
    seedSubscribers(db, { count: 10, planId: 'pro', now: NOON });
    const out = await chunked.publish(signalInput(), { publishedBy: 'cli' });
    expect(out).toMatchObject({ planned: 3, candidates: 10, planning: 'in_progress' });
    expect(chunked.planning.runChunk()).toBe(true);
    await chunked.addUpdate(out.signal.id, { kind: 'stopped', price: 60_000 }, { publishedBy: 'cli' });
    expect(chunked.planning.runChunk()).toBe(false);
    expect(rowsOf(out.signal.id).filter((r) => r.kind === 'alert').map((r) => r.state)).toEqual(Array(6).fill('superseded'));
    expect(db.$client.prepare('SELECT state, cursor, planned FROM planning_jobs').all()).toEqual([{ state: 'cancelled', cursor: 6, planned: 6 }]);
  });
});

describe('updates and reads', () => {
  it('records an update once per publisherUpdateId', async () => {
    const { signal } = await store.publish(signalInput(), { publishedBy: 'cli' });
    const first = await store.addUpdate(signal.id, { kind: 'target_hit', targetIndex: 1, price: 101, publisherUpdateId: 'u-1' });
    const again = await store.addUpdate(signal.id, { kind: 'target_hit', targetIndex: 1, price: 101, publisherUpdateId: 'u-1' });
    expect(first).toMatchObject({ duplicate: false, update: { signalId: signal.id, kind: 'target_hit', targetIndex: 1, price: 101 } });
    expect(again).toEqual({ ...first, duplicate: true });
    await store.addUpdate(signal.id, { kind: 'closed', resultPct: 4.2 });
    expect((await store.listUpdates(signal.id)).map((u) => u.kind)).toEqual(['target_hit', 'closed']);
    expect(await db.$count(signalUpdates)).toBe(2);
  });

  it('refuses an update for an unknown signal, naming it', async () => {
    await expect(store.addUpdate('sig_missing', { kind: 'stopped' })).rejects.toMatchObject({ code: 'not_found', message: 'signal sig_missing not found' });
  });

  it('refuses a publisherUpdateId already used for another signal', async () => {
    const a = await store.publish(signalInput(), { publishedBy: 'cli' });
    const b = await store.publish(signalInput(), { publishedBy: 'cli' });
    await store.addUpdate(a.signal.id, { kind: 'stopped', publisherUpdateId: 'u-9' });
    await expect(store.addUpdate(b.signal.id, { kind: 'stopped', publisherUpdateId: 'u-9' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reads signals back as published, newest first', async () => {
    const a = await store.publish(signalInput({ persona: 'Quant Q', entry: 100, stop: 90, targets: [110, 120], horizon: '1w' }), { publishedBy: 'cli' });
    clock.set(NOON + 1000);
    const b = await store.publish(signalInput({ side: 'short', conviction: 0.3 }), { publishedBy: 'cli' });
    expect(await store.getSignal(a.signal.id)).toEqual(a.signal);
    expect(a.signal).toMatchObject({ persona: 'Quant Q', entry: 100, stop: 90, targets: [110, 120], horizon: '1w', band: 'A' });
    expect(b.signal).not.toHaveProperty('persona');
    expect((await store.listRecent(10)).map((s) => s.id)).toEqual([b.signal.id, a.signal.id]);
    expect(await store.getSignal('sig_nope')).toBeNull();
  });
});
