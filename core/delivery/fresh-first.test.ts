// Fresh alerts under a backlog: newest and oldest take turns within a priority, paid before free, expired alerts never go.
import { describe, expect, it } from 'vitest';
import { getDelivery, insertDelivery, insertSignal } from '../../db/stores/delivery-store.fixtures';
import { seedSubscribers } from '../../db/testing/seed';
import type { PlatformWindows } from './chat-platform';
import { harness, T0, TESTCHAT_LIMITS } from './dispatcher.harness';

/** 10 sends a second overall: the limiter, not the concurrency, decides how many go per tick. */
const TEN_PER_SECOND: PlatformWindows = { ...TESTCHAT_LIMITS, overall: { limit: 10, windowMs: 1_000 } };

describe('Dispatcher: newest first, fairly', () => {
  it('starts a new signal\'s alerts within a second of its commit while the oldest backlog keeps draining', async () => {
    const h = await harness({
      emulator: { limits: TEN_PER_SECOND },
      dispatcher: { limits: { testchat: TEN_PER_SECOND }, concurrency: 32 },
    });
    const people = seedSubscribers(h.db, { count: 300, now: T0 });
    const symbols = ['OLDUSDT', 'MIDUSDT', 'NEWUSDT'];
    const signals = symbols.map((symbol) => insertSignal(h.db, { symbol, createdAt: T0 }));
    const publish = (s: number, dueAt: number) => {
      for (let i = 0; i < 100; i++) insertDelivery(h.db, { destinationId: people.destinationIds[s * 100 + i]!, contentId: signals[s], dueAt });
    };
    const sentOf = (symbol: string) => h.emulator.messages.filter((m) => m.text.includes(symbol));
    publish(0, T0 - 60_000);
    publish(1, T0 - 30_000);
    await h.dispatcher.start();
    await h.settle();
    // The first tick: half of the window to the newest due rows (the middle signal), half to the oldest.
    expect(sentOf('MIDUSDT')).toHaveLength(5);
    expect(sentOf('OLDUSDT')).toHaveLength(5);
    // Each window opens 1,020 ms after the last (the limiter's margin).
    for (let s = 0; s < 3; s++) await h.advance(1_020);
    const oldBefore = sentOf('OLDUSDT').length;
    expect(oldBefore).toBeGreaterThan(5);

    const committedAt = h.clock.now();
    publish(2, committedAt);
    await h.settle();
    await h.advance(1_020);
    const fresh = sentOf('NEWUSDT');
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh[0]!.at - committedAt).toBeLessThanOrEqual(1_020);

    for (let s = 0; s < 5; s++) await h.advance(1_020);
    // Both ends advance: the new signal and the oldest share the window; nothing went twice or beyond it.
    expect(sentOf('NEWUSDT')).toHaveLength(30);
    expect(sentOf('OLDUSDT').length - oldBefore).toBe(30);
    // Meanwhile the middle signal waits: the newest and the oldest share the window between them.
    expect(sentOf('MIDUSDT')).toHaveLength(20);
    expect(h.emulator.stats()).toMatchObject({ violations: 0, duplicates: 0 });
    expect(new Set(h.emulator.messages.map((m) => m.chatId)).size).toBe(h.emulator.messages.length);
  });

  it('alternates newest and oldest within a tick and takes a row seen by both walks once', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 5, now: T0 });
    const ids = people.destinationIds.map((destinationId, i) => insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 - 5_000 + i * 1_000 }));
    await h.dispatcher.start();
    await h.settle();
    const order = [4, 0, 3, 1, 2].map((i) => people.chatIds[i]);
    expect(h.emulator.messages.map((m) => m.chatId).sort()).toEqual([...order].sort());
    expect(h.emulator.messages).toHaveLength(5);
    expect(h.outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    for (const id of ids) expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 1 });
    // One at a time, the turns show: newest, oldest, the next newest, the next oldest, the middle.
    const one = await harness({ dispatcher: { concurrency: 1 } });
    const more = seedSubscribers(one.db, { count: 5, now: T0 });
    more.destinationIds.forEach((destinationId, i) => insertDelivery(one.db, { destinationId, contentId: one.signalId, dueAt: T0 - 5_000 + i * 1_000 }));
    await one.dispatcher.start();
    await one.settle();
    expect(one.emulator.messages.map((m) => m.chatId)).toEqual([4, 0, 3, 1, 2].map((i) => more.chatIds[i]));
    await h.dispatcher.stop();
    await h.emulator.stop();
  });

  it('still sends paid real-time alerts before delayed ones, whichever is newer', async () => {
    const h = await harness({ dispatcher: { concurrency: 4 } });
    const people = seedSubscribers(h.db, { count: 12, now: T0 });
    const paid = people.destinationIds.slice(0, 6).map((destinationId, i) => insertDelivery(h.db, { destinationId, contentId: h.signalId, priority: 0, dueAt: T0 - 60_000 + i }));
    const free = people.destinationIds.slice(6).map((destinationId, i) => insertDelivery(h.db, { destinationId, contentId: h.signalId, priority: 10, dueAt: T0 - i }));
    await h.dispatcher.start();
    await h.settle();
    const paidChats = new Set(people.chatIds.slice(0, 6));
    expect(h.emulator.messages).toHaveLength(12);
    expect(h.emulator.messages.slice(0, 6).every((m) => paidChats.has(m.chatId))).toBe(true);
    expect(h.emulator.stats()).toMatchObject({ accepted: 12, duplicates: 0, violations: 0 });
    for (const id of [...paid, ...free]) expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('gives a lower priority the slots a higher one cannot use because its rows are all blocked by limits', async () => {
    const h = await harness({ dispatcher: { concurrency: 4 } });
    const people = seedSubscribers(h.db, { count: 4, now: T0 });
    const busy = people.destinationIds[0]!;
    // Three paid alerts to one chat (1 a second there) and three delayed ones to three other chats.
    const paid = [0, 1, 2].map((i) => insertDelivery(h.db, { destinationId: busy, contentId: insertSignal(h.db), priority: 0, dueAt: T0 - 10_000 + i }));
    const free = [1, 2, 3].map((i) => insertDelivery(h.db, { destinationId: people.destinationIds[i]!, contentId: h.signalId, priority: 10, dueAt: T0 }));
    await h.dispatcher.start();
    await h.settle();
    expect(paid.filter((id) => h.stateOf(id) === 'sent')).toHaveLength(1);
    expect(free.map(h.stateOf)).toEqual(['sent', 'sent', 'sent']);
    expect(h.emulator.stats().violations).toBe(0);
  });
});

describe('Dispatcher: expiry', () => {
  it('marks alerts past their maximum age expired and never sends them, counting them; an alert with no expiry still goes', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 3, now: T0 });
    const [stale, held, forever] = people.destinationIds as [string, string, string];
    const expired = insertDelivery(h.db, {
      destinationId: stale, contentId: h.signalId, dueAt: T0 - 20 * 60_000, expiresAt: T0 - 5 * 60_000, capAccountId: people.accountIds[0]!, capDay: '2026-01-05',
    });
    // Held back by a 429 past its expiry: when it is due again, it is too old to send.
    const late = insertDelivery(h.db, { destinationId: held, contentId: h.signalId, dueAt: T0, expiresAt: T0 + 2_000, capAccountId: people.accountIds[1]!, capDay: '2026-01-05' });
    const never = insertDelivery(h.db, { destinationId: forever, contentId: h.signalId, dueAt: T0 - 24 * 3_600_000 });
    h.emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 5 }, { chatId: people.chatIds[1]! });
    await h.dispatcher.start();
    await h.settle();
    expect(h.stateOf(expired)).toBe('expired');
    expect(h.stateOf(late)).toBe('pending');
    expect(h.stateOf(never)).toBe('sent');
    await h.advance(10_000);
    expect(h.stateOf(late)).toBe('expired');
    expect(h.emulator.messages.map((m) => m.chatId)).toEqual([people.chatIds[2]]);
    expect(h.emulator.stats()).toMatchObject({ accepted: 1, injected429: 1 });
    for (const id of [expired, late]) expect(getDelivery(h.db, id)).toMatchObject({ capDay: null, capAccountId: null, sentAt: null });
    expect(h.expired.get('testchat')).toBe(2);
    const lines = h.logs.filter((l) => l.msg?.startsWith('alerts expired'));
    expect(lines.map((l) => l.obj)).toEqual([
      expect.objectContaining({ expired: { testchat: 1 }, total: 1 }),
      expect.objectContaining({ expired: { testchat: 1 }, total: 1 }),
    ]);
  });

  it('sweeps at most once a second, yet never sends a row that expired between two sweeps', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 2, now: T0 });
    await h.dispatcher.start();
    await h.settle();
    // Due and expired at the same instant, under a second after the last sweep: it is never claimed, and the next sweep takes it.
    const id = insertDelivery(h.db, { destinationId: people.destinationIds[0]!, contentId: h.signalId, dueAt: T0 + 500, expiresAt: T0 + 500 });
    await h.settle();
    await h.advance(500);
    expect(h.stateOf(id)).toBe('pending');
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(500);
    insertDelivery(h.db, { destinationId: people.destinationIds[1]!, contentId: h.signalId, dueAt: T0 + 1_000 });
    await h.settle();
    expect(h.stateOf(id)).toBe('expired');
    expect(h.emulator.messages.map((m) => m.chatId)).toEqual([people.chatIds[1]]);
  });
});
