import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestchatPlatform } from '../../bots/testchat';
import { openMemoryDatabase, type Db } from '../../db/client';
import { auditEvents, deliveries, signals } from '../../db/schema';
import { SqliteContentResolver } from '../../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { sqlitePublishing } from '../../db/stores/signal-service';
import { seedSubscribers } from '../../db/testing/seed';
import { startTestchat, type TestchatEmulator } from '../../sandbox/testchat/server';
import { FakeClock } from '../clock';
import { Dispatcher } from '../delivery/dispatcher';
import { createRetryPolicy } from '../delivery/retry-policy';
import { ValidationError } from '../errors';
import { silentLogger } from '../logger';
import { noopMetrics, type DeliveryOutcome } from '../metrics';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PlatformName } from '../types';
import type { NewSignal, PublishingDeps } from './ports';
import { publishSignal } from './publish-signal';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

let db: Db;
let clock: FakeClock;
let planned: [number, number][];
let deps: PublishingDeps;
let emulator: TestchatEmulator | undefined;
let dispatcher: Dispatcher | undefined;

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  planned = [];
  deps = sqlitePublishing({
    db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, metrics: { ...noopMetrics, deliveriesPlanned: (p, s) => planned.push([p, s]) },
  });
});

afterEach(async () => {
  await dispatcher?.stop();
  await emulator?.stop();
  dispatcher = undefined;
  emulator = undefined;
});

let counter = 0;
const raw = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  publisherId: `pub-${++counter}`, symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.85, reasons: ['breakout'], ...fields,
});
const rowsOf = (signalId: string) => db.select({ kind: deliveries.kind, state: deliveries.state, destinationRef: deliveries.destinationRef })
  .from(deliveries).innerJoin(signals, eq(signals.ref, deliveries.contentRef)).where(eq(signals.id, signalId)).orderBy(deliveries.id).all();
const counts = async () => ({ signals: await db.$count(signals), deliveries: await db.$count(deliveries), audit: await db.$count(auditEvents) });

describe('publishSignal', () => {
  it('parses the signal once: an invalid signal is refused with a field-named error and writes nothing', async () => {
    seedSubscribers(db, { count: 2, planId: 'pro', now: NOON });
    const error = (() => {
      try {
        publishSignal(deps, raw({ conviction: 2, colour: 'red' }), { publishedBy: 'cli' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field).sort()).toEqual(['colour', 'conviction']);
    expect(await counts()).toEqual({ signals: 0, deliveries: 0, audit: 0 });
    expect(planned).toEqual([]);
  });

  it('hands the store the checked signal, so the store stores it as checked without parsing it again', () => {
    const stored: NewSignal[] = [];
    const store = deps.store;
    const recording: PublishingDeps = { ...deps, store: { ...bind(store), insert: (s) => (stored.push(s), store.insert(s)) } };
    const out = publishSignal(recording, raw({ symbol: '  ETH_USDT ', persona: null, conviction: 0.7 }), { publishedBy: 'api-key:k1' });
    expect(stored).toEqual([{ input: expect.objectContaining({ symbol: 'ETH_USDT' }), band: 'B', publishedBy: 'api-key:k1', createdAt: NOON }]);
    expect(stored[0]!.input).not.toHaveProperty('persona');
    expect(out.signal).toMatchObject({ symbol: 'ETH_USDT', band: 'B' });
  });

  it('a replayed publisher id returns the first outcome and writes no second delivery', async () => {
    seedSubscribers(db, { count: 2, planId: 'pro', now: NOON });
    const first = publishSignal(deps, raw({ publisherId: 'same' }), { publishedBy: 'cli' });
    seedSubscribers(db, { count: 3, planId: 'pro', now: NOON });
    clock.set(NOON + 60_000);
    const again = publishSignal(deps, raw({ publisherId: 'same', symbol: 'ETHUSDT' }), { publishedBy: 'api-key:k2' });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await counts()).toEqual({ signals: 1, deliveries: 2, audit: 1 });
    expect(planned).toEqual([[2, 0]]);
  });

  it('commits the signal, its deliveries and its audit event together or not at all', async () => {
    seedSubscribers(db, { count: 3, planId: 'pro', now: NOON });
    const failingOutbox: PublishingDeps = { ...deps, outbox: { write: (p) => { deps.outbox.write(p); throw new Error('outbox on fire'); } } };
    expect(() => publishSignal(failingOutbox, raw(), { publishedBy: 'cli' })).toThrow('outbox on fire');
    const failingAudit: PublishingDeps = { ...deps, audit: { record: () => { throw new Error('audit on fire'); } } };
    expect(() => publishSignal(failingAudit, raw(), { publishedBy: 'cli' })).toThrow('audit on fire');
    expect(await counts()).toEqual({ signals: 0, deliveries: 0, audit: 0 });
    expect(planned).toEqual([]);

    const out = publishSignal(deps, raw(), { publishedBy: 'cli' });
    expect(out).toMatchObject({ duplicate: false, planned: 3 });
    expect(await counts()).toEqual({ signals: 1, deliveries: 3, audit: 1 });
  });
});

describe('rationale and snapshot deliveries', () => {
  it('with rationales off plans no rationale delivery, so none is sent', async () => {
    // The pro plan includes rationales and snapshots, and these destinations take both.
    const people = seedSubscribers(db, { count: 3, planId: 'pro', now: NOON, contentKinds: ['alert', 'rationale', 'snapshot'] });
    const out = publishSignal(deps, raw(), { publishedBy: 'cli' });
    expect(rowsOf(out.signal.id).map((r) => r.kind)).toEqual(['alert', 'alert', 'alert']);
    expect(db.select({ state: signals.rationaleState }).from(signals).where(eq(signals.id, out.signal.id)).get()).toEqual({ state: null });

    const outcomes = await sendEverything();
    expect(emulator!.messages.map((m) => m.chatId).sort()).toEqual([...people.chatIds].sort());
    expect(outcomes).toEqual(['sent', 'sent', 'sent']);
    expect(db.select({ state: deliveries.state, attempts: deliveries.attempts, lastError: deliveries.lastError }).from(deliveries).all())
      .toEqual(Array.from({ length: 3 }, () => ({ state: 'sent', attempts: 1, lastError: null })));
  });

  it('with rationales on plans a waiting rationale row only where the plan and the destination take it, and wants the rationale', async () => {
    const withRationales: PublishingDeps = { ...deps, rationales: true };
    const takesAll = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON, contentKinds: ['alert', 'rationale'] });
    const alertsOnly = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON, contentKinds: ['alert'] });
    const freePlan = seedSubscribers(db, { count: 1, now: NOON, contentKinds: ['alert', 'rationale'] });
    const out = publishSignal(withRationales, raw(), { publishedBy: 'cli' });
    const refOf = (destinationId: string) => db.$client.prepare('SELECT ref FROM destinations WHERE id = ?').pluck().get(destinationId);
    const rows = rowsOf(out.signal.id).map((r) => [r.destinationRef, r.kind, r.state]);
    expect(rows.filter(([, kind]) => kind === 'rationale')).toEqual([[refOf(takesAll.destinationIds[0]!), 'rationale', 'waiting']]);
    // Just below its alert's tier: every alert due as early goes before any rationale.
    const priorities = db.select({ kind: deliveries.kind, priority: deliveries.priority }).from(deliveries).where(eq(deliveries.destinationRef, refOf(takesAll.destinationIds[0]!) as number)).all();
    expect(priorities.sort((a, b) => a.priority - b.priority)).toEqual([{ kind: 'alert', priority: 0 }, { kind: 'rationale', priority: 1 }]);
    expect(rows.filter(([, kind]) => kind === 'alert').map(([ref]) => ref).sort())
      .toEqual([takesAll, alertsOnly, freePlan].map((s) => refOf(s.destinationIds[0]!)).sort());
    expect(out).toMatchObject({ planned: 3, skipped: 0 });
    expect(db.select({ state: signals.rationaleState }).from(signals).where(eq(signals.id, out.signal.id)).get()).toEqual({ state: 'wanted' });
    // A waiting row is never claimed: only the pro alerts go out now (the free plan's is 15 minutes late).
    expect(await sendEverything()).toEqual(['sent', 'sent']);
    expect(rowsOf(out.signal.id).filter((r) => r.kind === 'rationale').map((r) => r.state)).toEqual(['waiting']);
  });

  it('with rationales on but no recipient whose plan has them, wants no rationale', () => {
    seedSubscribers(db, { count: 2, now: NOON, contentKinds: ['alert', 'rationale'] });
    const out = publishSignal({ ...deps, rationales: true }, raw(), { publishedBy: 'cli' });
    expect(rowsOf(out.signal.id).map((r) => r.kind)).toEqual(['alert', 'alert']);
    expect(db.select({ state: signals.rationaleState }).from(signals).where(eq(signals.id, out.signal.id)).get()).toEqual({ state: null });
  });
});

/** The store's methods bound to it, to override one in a test. */
function bind(store: PublishingDeps['store']): PublishingDeps['store'] {
  return {
    findByPublisherId: (id) => store.findByPublisherId(id),
    insert: (s) => store.insert(s),
    findByRef: (ref) => store.findByRef(ref),
    publishedOutcome: (id) => store.publishedOutcome(id),
    findId: (ref) => store.findId(ref),
    findUpdate: (id) => store.findUpdate(id),
    insertUpdate: (u) => store.insertUpdate(u),
  };
}

/** Sends every due delivery through the dispatcher to the testchat emulator; the attempts' outcomes. */
async function sendEverything(): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  const started = await startTestchat({ clock });
  emulator = started.emulator;
  dispatcher = new Dispatcher({
    store: new SqliteDeliveryStore({ db, clock }),
    platforms: new Map<PlatformName, ReturnType<typeof createTestchatPlatform>>([['testchat', createTestchatPlatform({ url: started.url, token: started.token })]]),
    content: new SqliteContentResolver({ db }),
    clock,
    logger: silentLogger,
    metrics: { ...noopMetrics, deliveryAttempt: (_p, outcome) => outcomes.push(outcome) },
    retryPolicy: createRetryPolicy({ maxAttempts: 3, random: () => 0.5 }),
    concurrency: 4,
  });
  await dispatcher.start();
  dispatcher.poke();
  await dispatcher.idle();
  return outcomes;
}
