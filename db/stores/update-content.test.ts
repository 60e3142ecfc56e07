import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestchatPlatform } from '../../bots/testchat';
import { FakeClock } from '../../core/clock';
import type { PlatformWindows } from '../../core/delivery/chat-platform';
import { Dispatcher } from '../../core/delivery/dispatcher';
import { createRetryPolicy } from '../../core/delivery/retry-policy';
import { noopMetrics } from '../../core/metrics';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { publishSignal } from '../../core/publishing/publish-signal';
import { publishSignalUpdate } from '../../core/publishing/publish-update';
import { silentLogger } from '../../core/logger';
import type { PlatformName } from '../../core/types';
import { startTestchat, type TestchatEmulator } from '../../sandbox/testchat/server';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { sqlitePublishing } from './signal-service';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const LIMITS: PlatformWindows = { overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 10, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 } };
const SIGNAL = { publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'] };

let db: Db;
let clock: FakeClock;
let emulator: TestchatEmulator;
let dispatcher: Dispatcher;
let publishing: ReturnType<typeof sqlitePublishing>;

interface Row { state: string; attempts: number; due_at: number; skip_reason: string | null; platform_message_id: string | null }

/** The delivery of one kind to the destination. */
const rowOf = (kind: 'alert' | 'update', destinationId: string) => db.$client.prepare(`SELECT state, attempts, due_at, skip_reason, platform_message_id
  FROM deliveries WHERE kind = ? AND destination_ref = (SELECT ref FROM destinations WHERE id = ?)`).get(kind, destinationId) as Row;

async function settle(ms = 0): Promise<void> {
  if (ms > 0) await clock.advance(ms);
  dispatcher.poke();
  await dispatcher.idle();
}

beforeEach(async () => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  const started = await startTestchat({ clock, limits: LIMITS });
  emulator = started.emulator;
  dispatcher = new Dispatcher({
    store: new SqliteDeliveryStore({ db, clock }),
    platforms: new Map<PlatformName, ReturnType<typeof createTestchatPlatform>>([['testchat', createTestchatPlatform({ url: started.url, token: started.token })]]),
    content: new SqliteContentResolver({ db }),
    clock,
    logger: silentLogger,
    metrics: noopMetrics,
    retryPolicy: createRetryPolicy({ maxAttempts: 8, random: () => 0.5 }),
    concurrency: 4,
    limits: { testchat: LIMITS },
  });
  publishing = sqlitePublishing({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } });
  await dispatcher.start();
});

afterEach(async () => {
  await dispatcher.stop();
  await emulator.stop();
});

describe('update deliveries follow the threading rule', () => {
  it('sends an update as a reply to the alert message sent to that destination, with every update so far', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    await settle();
    const alert = emulator.messages[0]!;
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    await settle();
    publishSignalUpdate(publishing, signal.id, { kind: 'closed', resultPct: 4.5, note: 'Took the rest off' });
    await settle();

    expect(emulator.messages.map((m) => [m.chatId, m.replyTo])).toEqual([[person.chatIds[0], undefined], [person.chatIds[0], String(alert.messageId)], [person.chatIds[0], String(alert.messageId)]]);
    expect(emulator.messages[1]!.text).toContain('BTCUSDT long: Target 1 hit at 110');
    expect(emulator.messages[2]!.text).toContain('BTCUSDT long: Closed (+4.50%)\nTook the rest off');
    const message = new SqliteContentResolver({ db }).resolve({
      id: 0, contentType: 'update', contentId: 'update#2', kind: 'update', destinationId: person.destinationIds[0]!, accountId: null, platform: 'testchat',
      recipientKey: `testchat:${person.chatIds[0]}`, recipient: { platform: 'testchat', chatId: person.chatIds[0]! }, isGroup: false, priority: 0, dueAt: NOON, attempts: 0,
    }, NOON);
    expect(message).toMatchObject({ kind: 'update', replyToMessageId: String(alert.messageId), update: { kind: 'closed' }, updates: [{ kind: 'target_hit' }, { kind: 'closed' }] });
  });

  it('defers an update whose alert is still on its way, without counting an attempt, and sends it after the alert', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON }).destinationIds[0]!;
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    // The alert's first try failed and waits for its retry, while its update is due now.
    db.$client.prepare("UPDATE deliveries SET due_at = ? WHERE kind = 'alert'").run(NOON + 5 * MINUTE);
    await settle();

    expect(emulator.messages).toHaveLength(0);
    expect(rowOf('update', person)).toMatchObject({ state: 'pending', attempts: 0, due_at: NOON + 5 * MINUTE });
    // Both are due now and claimed together: the update waits a second more, while its alert is sending.
    await settle(5 * MINUTE);
    expect(emulator.messages.map((m) => m.replyTo)).toEqual([undefined]);
    expect(rowOf('update', person)).toMatchObject({ state: 'pending', attempts: 0 });
    await settle(1_000);
    expect(emulator.messages.map((m) => m.replyTo)).toEqual([undefined, String(emulator.messages[0]!.messageId)]);
    expect(rowOf('update', person)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('skips the update of an alert that died, was skipped or expired there, sending nothing', async () => {
    const [dead, skipped, expired] = seedSubscribers(db, { count: 3, planId: 'pro', now: NOON }).destinationIds as [string, string, string];
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    // The alerts fail after the update was planned: one dead, one skipped (its workspace removed).
    const set = db.$client.prepare("UPDATE deliveries SET state = ? WHERE kind = 'alert' AND destination_ref = (SELECT ref FROM destinations WHERE id = ?)");
    set.run('dead', dead);
    set.run('skipped', skipped);
    set.run('expired', expired);
    await settle();

    expect(emulator.messages).toHaveLength(0);
    expect(rowOf('update', dead)).toMatchObject({ state: 'skipped', skip_reason: 'alert_not_delivered', attempts: 0 });
    expect(rowOf('update', skipped)).toMatchObject({ state: 'skipped', skip_reason: 'alert_not_delivered', attempts: 0 });
    expect(rowOf('update', expired)).toMatchObject({ state: 'skipped', skip_reason: 'alert_not_delivered', attempts: 0 });
  });

  it('holds back the update of an alert held for the quiet-hours digest, without counting an attempt', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON }).destinationIds[0]!;
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    db.$client.prepare("UPDATE deliveries SET state = 'held', due_at = ? WHERE kind = 'alert'").run(NOON + 60 * MINUTE);
    await settle();

    expect(emulator.messages).toHaveLength(0);
    expect(rowOf('update', person)).toMatchObject({ state: 'pending', attempts: 0, due_at: NOON + 60 * MINUTE });
  });

  it('holds a target hit while its alert is held for the quiet-hours digest, without an attempt, and threads it once the alert went', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON }).destinationIds[0]!;
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    // Kept for the digest at the quiet window's end, as the digest planning leaves it.
    db.$client.prepare("UPDATE deliveries SET state = 'held', due_at = ?, expires_at = NULL WHERE kind = 'alert'").run(NOON + 60 * MINUTE);
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    await settle(MINUTE);
    await settle(MINUTE);

    expect(emulator.messages).toHaveLength(0);
    expect(rowOf('alert', person)).toMatchObject({ state: 'held' });
    expect(rowOf('update', person)).toMatchObject({ state: 'pending', attempts: 0 });
    // The digest went and settled the alert with its message.
    db.$client.prepare("UPDATE deliveries SET state = 'sent', platform_message_id = '77', sent_at = ? WHERE kind = 'alert'").run(NOON + 60 * MINUTE);
    await settle(60 * MINUTE);
    expect(emulator.messages.map((m) => m.replyTo)).toEqual(['77']);
    expect(rowOf('update', person)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('skips a target hit whose alert a later stop superseded: that recipient gets neither', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'free', now: NOON }).destinationIds[0]!;
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    publishSignalUpdate(publishing, signal.id, { kind: 'stopped', price: 95 });
    await settle(20 * MINUTE);

    expect(emulator.messages).toHaveLength(0);
    expect(rowOf('alert', person)).toMatchObject({ state: 'superseded', skip_reason: 'stopped:update#2' });
    expect(rowOf('update', person)).toMatchObject({ state: 'skipped', skip_reason: 'alert_not_delivered', attempts: 0 });
  });

  it('loads an update and its signal once for a whole fan-out', async () => {
    const people = seedSubscribers(db, { count: 2, planId: 'pro', now: NOON });
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    await settle();
    publishSignalUpdate(publishing, signal.id, { kind: 'stopped', price: 95 });
    const resolver = new SqliteContentResolver({ db });
    const delivery = (i: number) => ({
      id: 0, contentType: 'update', contentId: 'update#1', kind: 'update' as const, destinationId: people.destinationIds[i]!, accountId: null, platform: 'testchat' as const,
      recipientKey: `testchat:${people.chatIds[i]}`, recipient: { platform: 'testchat' as const, chatId: people.chatIds[i]! }, isGroup: false, priority: 0, dueAt: NOON, attempts: 0,
    });
    const first = resolver.resolve(delivery(0), NOON);
    db.$client.prepare('UPDATE signals SET symbol = ?').run('CHANGED');
    const second = resolver.resolve(delivery(1), NOON);
    expect(second.kind === 'update' && second.signal).toBe(first.kind === 'update' && first.signal);
    // Each destination is threaded on its own alert.
    const alertTo = (chatId: string) => String(emulator.messages.find((m) => m.chatId === chatId)?.messageId);
    expect([first, second].map((m) => m.kind === 'update' && m.replyToMessageId)).toEqual(people.chatIds.map(alertTo));
  });

  it('tells how late a delayed plan\'s alert went, so the status edit says it again; a real-time alert says nothing', async () => {
    const free = seedSubscribers(db, { count: 1, planId: 'free', now: NOON });
    const pro = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    // The real-time alert goes now (15 minutes on, it would have expired); the free plan's 15 minutes later.
    await settle();
    await settle(15 * MINUTE);
    publishSignalUpdate(publishing, signal.id, { kind: 'stopped', price: 95 });
    const resolver = new SqliteContentResolver({ db });
    const delivery = (destinationId: string, chatId: string, priority: number) => ({
      id: 0, contentType: 'update', contentId: 'update#1', kind: 'update' as const, destinationId, accountId: null, platform: 'testchat' as const,
      recipientKey: `testchat:${chatId}`, recipient: { platform: 'testchat' as const, chatId }, isGroup: false, priority, dueAt: clock.now(), attempts: 0,
    });
    const late = resolver.resolve(delivery(free.destinationIds[0]!, free.chatIds[0]!, 10), clock.now());
    const onTime = resolver.resolve(delivery(pro.destinationIds[0]!, pro.chatIds[0]!, 0), clock.now());
    expect(late).toMatchObject({ kind: 'update', alertDelayedMinutes: 15 });
    expect(onTime.kind === 'update' && 'alertDelayedMinutes' in onTime).toBe(false);
  });

  it('gives an update built after a later one every update so far, so the status it marks is the latest', async () => {
    const person = seedSubscribers(db, { count: 1, planId: 'pro', now: NOON });
    publishing.candidates.refresh();
    const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
    await settle();
    const resolver = new SqliteContentResolver({ db });
    const delivery = (contentId: string) => ({
      id: 0, contentType: 'update', contentId, kind: 'update' as const, destinationId: person.destinationIds[0]!, accountId: null, platform: 'testchat' as const,
      recipientKey: `testchat:${person.chatIds[0]}`, recipient: { platform: 'testchat' as const, chatId: person.chatIds[0]! }, isGroup: false, priority: 0, dueAt: NOON, attempts: 0,
    });
    publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });
    expect(resolver.resolve(delivery('update#1'), NOON)).toMatchObject({ update: { kind: 'target_hit' }, updates: [{ kind: 'target_hit' }] });
    // The close is stored while the target hit's delivery waits for a retry: built again, it carries both (cached or not).
    publishSignalUpdate(publishing, signal.id, { kind: 'closed', resultPct: 4.5 });
    expect(resolver.resolve(delivery('update#1'), NOON)).toMatchObject({ update: { kind: 'target_hit' }, updates: [{ kind: 'target_hit' }, { kind: 'closed' }] });
    expect(new SqliteContentResolver({ db }).resolve(delivery('update#1'), NOON)).toMatchObject({ updates: [{ kind: 'target_hit' }, { kind: 'closed' }] });
  });

  it('refuses an update that does not exist with not_found', () => {
    const resolver = new SqliteContentResolver({ db });
    const base = {
      id: 0, contentType: 'update', kind: 'update' as const, destinationId: 'dst_x', accountId: null, platform: 'testchat' as const,
      recipientKey: 'testchat:1', recipient: { platform: 'testchat' as const, chatId: '1' }, isGroup: false, priority: 0, dueAt: NOON, attempts: 0,
    };
    expect(() => resolver.resolve({ ...base, contentId: 'update#99' }, NOON)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => resolver.resolve({ ...base, contentId: 'update#x' }, NOON)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
