import { beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type Db } from '../../db/client';
import { auditEvents, signalUpdates } from '../../db/schema';
import { sqlitePublishing } from '../../db/stores/signal-service';
import { seedChannel, seedSubscribers } from '../../db/testing/seed';
import { FakeClock } from '../clock';
import { ValidationError } from '../errors';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PublishingDeps } from './ports';
import { publishSignal } from './publish-signal';
import { publishSignalUpdate } from './publish-update';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const SIGNAL = { publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'] };

let db: Db;
let clock: FakeClock;
let deps: PublishingDeps;
let signalId: string;

interface Row { destination: string; state: string; priority: number; due_at: number; protect_content: number }

/** The deliveries of one kind, by destination id. */
function rows(kind: 'alert' | 'update'): Row[] {
  return db.$client.prepare(`SELECT dest.id AS destination, d.state, d.priority, d.due_at, d.protect_content FROM deliveries d
    JOIN destinations dest ON dest.ref = d.destination_ref WHERE d.kind = ? ORDER BY dest.id`).all(kind) as Row[];
}

const setAlertState = (destinationId: string, state: string) => db.$client.prepare(`UPDATE deliveries SET state = ?
  WHERE kind = 'alert' AND destination_ref = (SELECT ref FROM destinations WHERE id = ?)`).run(state, destinationId);

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  deps = sqlitePublishing({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } });
});

describe('publishSignalUpdate', () => {
  beforeEach(() => {
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
  });

  it('refuses an invalid update with a field-named error and writes nothing', async () => {
    expect(() => publishSignalUpdate(deps, signalId, { kind: 'target_hit', price: -1 }, { publishedBy: 'cli' }))
      .toThrow(expect.objectContaining({ constructor: ValidationError, issues: expect.arrayContaining([expect.objectContaining({ field: 'targetIndex' }), expect.objectContaining({ field: 'price' })]) }));
    expect(await db.$count(signalUpdates)).toBe(0);
    expect(await db.$count(auditEvents)).toBe(1);
  });

  it('records an update by publisher id once per publisher update id, with one audit event', async () => {
    const first = publishSignalUpdate(deps, { publisherId: 'p-1' }, { kind: 'closed', resultPct: 3.5, publisherUpdateId: 'u-1' }, { publishedBy: 'api-key:k1' });
    const again = publishSignalUpdate(deps, { publisherId: 'p-1' }, { kind: 'closed', resultPct: 9, publisherUpdateId: 'u-1' }, { publishedBy: 'api-key:k1' });
    expect(first).toMatchObject({ duplicate: false, planned: 0, update: { signalId, kind: 'closed', resultPct: 3.5 } });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await db.$count(signalUpdates)).toBe(1);
    expect(db.select().from(auditEvents).all().map((e) => [e.action, e.actor])).toEqual([['signal.published', 'cli'], ['signal.updated', 'api-key:k1']]);
  });

  it('names an unknown publisher id in its not_found error', () => {
    expect(() => publishSignalUpdate(deps, { publisherId: 'p-9' }, { kind: 'stopped' }))
      .toThrow(expect.objectContaining({ code: 'not_found', message: 'no signal with publisher id "p-9"' }));
  });

  it('gives each update the next ref, the key its deliveries point at', () => {
    publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1 });
    publishSignalUpdate(deps, signalId, { kind: 'closed', resultPct: 1 });
    expect(db.$client.prepare('SELECT kind, ref FROM signal_updates ORDER BY ref').all()).toEqual([{ kind: 'target_hit', ref: 1 }, { kind: 'closed', ref: 2 }]);
  });
});

describe('publishSignalUpdate plans deliveries where the alert went', () => {
  it('plans a target hit for each alert pending, held, sending or sent, at its priority and protection, and none where the alert was skipped, dead or never planned', () => {
    const pro = seedSubscribers(db, { count: 6, planId: 'pro', now: NOON });
    const channel = seedChannel(db, { planId: 'pro', now: NOON });
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    const [pending, sending, sent, skipped, dead, held] = pro.destinationIds as [string, string, string, string, string, string];
    setAlertState(held, 'held');
    setAlertState(sending, 'sending');
    setAlertState(sent, 'sent');
    setAlertState(skipped, 'skipped');
    setAlertState(dead, 'dead');
    const latecomer = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON }).destinationIds[0]!;
    clock.set(NOON + MINUTE);

    const outcome = publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1, price: 101 });

    expect(outcome).toMatchObject({ planned: 5, superseded: 0 });
    const planned = rows('update');
    expect(planned.map((r) => r.destination).sort()).toEqual([pending, held, sending, sent, channel.destinationId].sort());
    expect(planned.map((r) => r.destination)).not.toContain(latecomer);
    for (const r of planned) expect(r).toMatchObject({ state: 'pending', priority: 0, due_at: NOON + MINUTE, protect_content: 1 });
    expect(db.$client.prepare("SELECT DISTINCT content_type, content_ref FROM deliveries WHERE kind = 'update'").all()).toEqual([{ content_type: 'update', content_ref: 1 }]);
  });

  it('never makes a target hit of a delayed free-plan alert due before the alert; once the alert is out, a close at once', () => {
    const free = seedSubscribers(db, { count: 1, now: NOON }).destinationIds[0]!;
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    expect(rows('alert')).toEqual([expect.objectContaining({ destination: free, priority: 10, due_at: NOON + 15 * MINUTE })]);

    clock.set(NOON + 2 * MINUTE);
    publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1, price: 105 });
    expect(rows('update')).toEqual([expect.objectContaining({ destination: free, priority: 10, due_at: NOON + 15 * MINUTE })]);

    setAlertState(free, 'sent');
    clock.set(NOON + 20 * MINUTE);
    publishSignalUpdate(deps, signalId, { kind: 'closed', resultPct: -5 });
    expect(rows('update').map((r) => r.due_at)).toEqual([NOON + 15 * MINUTE, NOON + 20 * MINUTE]);
  });

  it('supersedes a free-plan subscriber\'s delayed alert still pending when the signal is stopped: they get neither the alert nor the stop', () => {
    const free = seedSubscribers(db, { count: 1, now: NOON }).destinationIds[0]!;
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    clock.set(NOON + 2 * MINUTE);

    const outcome = publishSignalUpdate(deps, signalId, { kind: 'stopped', price: 95 });

    expect(outcome).toMatchObject({ planned: 0, superseded: 1 });
    expect(rows('alert')).toEqual([expect.objectContaining({ destination: free, state: 'superseded' })]);
    expect(rows('update')).toEqual([]);
  });

  it('sends a stop inside the account\'s quiet hours at once, and holds a target hit until they end', () => {
    const { destinationIds, accountIds } = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    setAlertState(destinationIds[0]!, 'sent');
    // Quiet from 13:00 to 15:00 in Paris (UTC+1 in January): 12:00 to 14:00 UTC.
    db.$client.prepare("UPDATE accounts SET quiet_start = '13:00', quiet_end = '15:00', time_zone = 'Europe/Paris' WHERE id = ?").run(accountIds[0]);
    clock.set(NOON + 30 * MINUTE);

    publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1 });
    publishSignalUpdate(deps, signalId, { kind: 'stopped', price: 95 });

    expect(rows('update').map((r) => r.due_at)).toEqual([NOON + 120 * MINUTE, NOON + 30 * MINUTE]);
  });

  it('holds no update of a channel for quiet hours: they are about a person\'s direct messages', () => {
    const owner = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON, settings: { quietStart: '11:00', quietEnd: '14:00' } });
    seedChannel(db, { accountId: owner.accountIds[0]!, now: NOON });
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    // Both alerts went out at noon (the DM's was held by quiet hours; say it was sent before they began).
    db.$client.prepare("UPDATE deliveries SET state = 'sent', due_at = ?").run(NOON);
    publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1 });
    const byKind = rows('update').map((r) => [r.destination === owner.destinationIds[0] ? 'direct' : 'channel', r.due_at]);
    expect(byKind.sort()).toEqual([['channel', NOON], ['direct', NOON + 120 * MINUTE]]);
  });

  it('counts the planned and superseded deliveries in the metrics, per platform, logs them, and a replay not again', () => {
    const planned: number[] = [];
    const superseded: [string, number][] = [];
    const logged: unknown[] = [];
    deps = {
      ...deps,
      metrics: { ...deps.metrics, deliveriesPlanned: (n) => void planned.push(n), deliveriesSuperseded: (platform, n) => void superseded.push([platform, n]) },
      logger: { ...deps.logger, info: (fields: unknown, msg?: string) => void logged.push([msg, fields]) },
    };
    const [sent] = seedSubscribers(db, { count: 3, planId: 'pro', now: NOON }).destinationIds as [string];
    seedSubscribers(db, { count: 1, planId: 'pro', platform: 'telegram', now: NOON });
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    setAlertState(sent, 'sent');
    publishSignalUpdate(deps, signalId, { kind: 'stopped', publisherUpdateId: 'u-1' });
    publishSignalUpdate(deps, signalId, { kind: 'stopped', publisherUpdateId: 'u-1' });
    expect(planned).toEqual([4, 1]);
    expect(superseded.sort()).toEqual([['telegram', 1], ['testchat', 2]]);
    expect(logged).toContainEqual(['signal update published', expect.objectContaining({ kind: 'stopped', planned: 1, superseded: 3 })]);
  });

  it('plans nothing for a replayed publisher update id, and each new update once more', () => {
    seedSubscribers(db, { count: 3, planId: 'pro', now: NOON });
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    db.$client.prepare("UPDATE deliveries SET state = 'sent' WHERE kind = 'alert'").run();
    const first = publishSignalUpdate(deps, signalId, { kind: 'target_hit', targetIndex: 1, publisherUpdateId: 'u-1' });
    const replay = publishSignalUpdate(deps, { publisherId: 'p-1' }, { kind: 'target_hit', targetIndex: 1, publisherUpdateId: 'u-1' });
    expect([first.planned, replay.planned, replay.duplicate]).toEqual([3, 3, true]);
    expect(rows('update')).toHaveLength(3);
    expect(publishSignalUpdate(deps, signalId, { kind: 'closed', resultPct: 2, publisherUpdateId: 'u-2' }).planned).toBe(3);
    expect(rows('update')).toHaveLength(6);
  });

  it('stores nothing when planning fails: the update, its rows and what it superseded commit together', async () => {
    const [sent, pending] = seedSubscribers(db, { count: 2, planId: 'pro', now: NOON }).destinationIds as [string, string];
    deps.candidates.refresh();
    signalId = publishSignal(deps, SIGNAL, { publishedBy: 'cli' }).signal.id;
    setAlertState(sent, 'sent');
    db.$client.exec("CREATE TRIGGER no_updates BEFORE INSERT ON deliveries WHEN NEW.kind = 'update' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    expect(() => publishSignalUpdate(deps, signalId, { kind: 'stopped', publisherUpdateId: 'u-1' })).toThrow(/disk on fire/);
    expect(await db.$count(signalUpdates)).toBe(0);
    expect(rows('update')).toHaveLength(0);
    expect(rows('alert').find((r) => r.destination === pending)).toMatchObject({ state: 'pending' });
  });
});
