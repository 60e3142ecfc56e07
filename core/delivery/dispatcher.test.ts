import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, deliveries, destinations } from '../../db/schema';
import { getDelivery, insertDelivery, insertSignal } from '../../db/stores/delivery-store.fixtures';
import { seedChannel, seedSubscribers } from '../../db/testing/seed';
import { recipientKey, type Recipient } from '../types';
import { LAUNCH_BATCH } from './dispatcher';
import { harness, loosePerChat, T0, TESTCHAT_LIMITS } from './dispatcher.harness';

describe('Dispatcher', () => {
  it('sends every due delivery exactly once, within the limits, and records the message ids', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 45, now: T0 });
    const ids = people.destinationIds.map((destinationId) =>
      insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    await h.dispatcher.start();
    await h.settle();
    // 30 per second overall: the first 30 now, the rest when the window (plus its margin) opens.
    expect(h.emulator.messages).toHaveLength(30);
    await h.advance(1_019);
    expect(h.emulator.messages).toHaveLength(30);
    await h.advance(1);
    expect(h.emulator.messages).toHaveLength(45);
    expect(new Set(h.emulator.messages.map((m) => m.chatId)).size).toBe(45);
    expect(h.emulator.stats()).toMatchObject({ accepted: 45, violations: 0, duplicates: 0 });
    for (const id of ids) expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 1, platformMessageId: expect.any(String) });
    expect(h.emulator.messages[0]!.text).toContain('LONG BTCUSDT');
  });

  it('starts at most LAUNCH_BATCH sends per tick and the rest a turn of the loop later, so no tick holds the loop for a whole concurrency', async () => {
    const h = await harness({ dispatcher: { concurrency: 64 } });
    const people = seedSubscribers(h.db, { count: 30, now: T0 });
    people.destinationIds.forEach((destinationId) => insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    const claims: number[] = [];
    const claim = h.store.claim.bind(h.store);
    h.store.claim = (ids, now, results) => {
      claims.push(ids.length);
      return claim(ids, now, results);
    };
    await h.dispatcher.start();
    await h.settle();
    // 30 due and the window allows 30 now: two batches, no sleep between them (the clock did not move).
    expect(claims).toEqual([LAUNCH_BATCH, 30 - LAUNCH_BATCH]);
    expect(h.emulator.messages).toHaveLength(30);
  });

  it('sends paid real-time alerts first, then delayed ones, then snapshots', async () => {
    const h = await harness({ dispatcher: { concurrency: 1 } });
    const people = seedSubscribers(h.db, { count: 3, now: T0 });
    const d = (i: number, priority: number) => insertDelivery(h.db, {
      destinationId: people.destinationIds[i]!, contentId: h.signalId, priority, dueAt: T0 - 60_000 + i,
    });
    d(0, 20);
    d(1, 10);
    d(2, 0);
    await h.dispatcher.start();
    await h.settle();
    expect(h.emulator.messages.map((m) => m.chatId)).toEqual([people.chatIds[2], people.chatIds[1], people.chatIds[0]]);
  });

  it('sleeps until a delivery is due and sends it then', async () => {
    const h = await harness();
    const [person] = [seedSubscribers(h.db, { count: 1, now: T0 })];
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 + 60_000 });
    await h.dispatcher.start();
    await h.settle();
    await h.advance(59_999);
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(1);
    expect(h.emulator.messages).toHaveLength(1);
    expect(h.emulator.messages[0]!.at).toBe(T0 + 60_000);
    expect(h.stateOf(id)).toBe('sent');
  });

  it('sends as soon as it is poked after a commit', async () => {
    const h = await harness();
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    await h.dispatcher.start();
    await h.settle();
    insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 });
    await h.settle();
    expect(h.emulator.messages).toHaveLength(1);
    expect(h.emulator.messages[0]!.at).toBe(T0);
  });

  it('retries a temporary error with backoff, counting the attempt', async () => {
    const h = await harness(loosePerChat);
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 });
    h.emulator.failNext({ kind: 'server_error', status: 502 }, { count: 2 });
    await h.dispatcher.start();
    await h.settle();
    // Full jitter with random 0.5: 500 ms after the first failure, 1000 ms after the second.
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'pending', attempts: 1, dueAt: T0 + 500, lastErrorCode: '502' });
    await h.advance(499);
    expect(getDelivery(h.db, id).attempts).toBe(1);
    await h.advance(1);
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'pending', attempts: 2, dueAt: T0 + 1_500 });
    await h.advance(1_000);
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 3 });
    expect(h.emulator.messages).toHaveLength(1);
  });

  it('honours retry_after for one chat without holding back other chats', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 2, now: T0 });
    const [a, b] = [0, 1].map((i) => ({ destinationId: people.destinationIds[i]!, recipientKey: `testchat:${people.chatIds[i]}` })) as [
      { destinationId: string; recipientKey: string }, { destinationId: string; recipientKey: string },
    ];
    const slow = insertDelivery(h.db, { ...a, contentId: h.signalId, dueAt: T0 });
    insertDelivery(h.db, { ...b, contentId: h.signalId, dueAt: T0 });
    const second = insertSignal(h.db, { createdAt: T0 });
    const otherLater = insertDelivery(h.db, { ...b, contentId: second, dueAt: T0 + 1_500 });
    const later = insertDelivery(h.db, { ...a, contentId: second, dueAt: T0 + 3_500 });
    h.emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 3 }, { chatId: people.chatIds[0] });
    await h.dispatcher.start();
    await h.settle();
    // Not an attempt: pending again at retry_after.
    expect(getDelivery(h.db, slow)).toMatchObject({ state: 'pending', attempts: 0, dueAt: T0 + 3_000, lastErrorCode: 'rate_limited' });
    await h.advance(1_500);
    expect(h.stateOf(otherLater)).toBe('sent');
    expect(h.stateOf(slow)).toBe('pending');
    await h.advance(1_499);
    expect(h.stateOf(slow)).toBe('pending');
    await h.advance(1);
    expect(getDelivery(h.db, slow)).toMatchObject({ state: 'sent', attempts: 1, sentAt: T0 + 3_000 });
    // The chat's own window still applies: one a second, plus the margin.
    await h.advance(500);
    expect(h.stateOf(later)).toBe('pending');
    await h.advance(520);
    expect(getDelivery(h.db, later)).toMatchObject({ state: 'sent', sentAt: T0 + 4_020 });
    expect(h.emulator.stats()).toMatchObject({ accepted: 4, injected429: 1, violations: 0 });
  });

  it('pauses the whole platform when the platform says the limit is global', async () => {
    const h = await harness({ dispatcher: { concurrency: 1 } });
    const people = seedSubscribers(h.db, { count: 3, now: T0 });
    people.destinationIds.forEach((destinationId) =>
      insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    h.emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 2, global: true });
    await h.dispatcher.start();
    await h.settle();
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(1_999);
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(1);
    expect(h.emulator.messages).toHaveLength(3);
    expect(h.emulator.stats()).toMatchObject({ violations: 0, injected429: 1 });
  });

  it('pauses every send of a route bucket the platform names, which is every send when the adapter names no routes', async () => {
    const h = await harness({ dispatcher: { concurrency: 1 } });
    const people = seedSubscribers(h.db, { count: 3, now: T0 });
    people.destinationIds.forEach((destinationId) =>
      insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    h.emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 2, scope: 'route', bucket: 'send-message' });
    await h.dispatcher.start();
    await h.settle();
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(1_999);
    expect(h.emulator.messages).toHaveLength(0);
    await h.advance(1);
    expect(h.emulator.messages).toHaveLength(3);
    expect(h.logs.some((l) => l.obj.scope === 'route' && l.obj.bucket === 'send-message')).toBe(true);
    expect(h.emulator.stats()).toMatchObject({ violations: 0, injected429: 1 });
  });

  it('pauses every chat of the tenant a 429 names, and no other chat', async () => {
    const h = await harness({ dispatcher: { concurrency: 1 } });
    const people = seedSubscribers(h.db, { count: 4, now: T0 });
    const tenants = ['w1', 'w1', 'w2', undefined];
    people.destinationIds.forEach((destinationId, i) => {
      const recipient: Recipient = { platform: 'testchat', chatId: people.chatIds[i]!, tenant: tenants[i] };
      h.db.update(destinations).set({ address: recipient, recipientKey: recipientKey(recipient) }).where(eq(destinations.id, destinationId)).run();
    });
    const ids = people.destinationIds.map((destinationId) => insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    h.emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 2, scope: 'tenant' }, { chatId: people.chatIds[0]! });
    await h.dispatcher.start();
    await h.settle();
    expect(ids.map((id) => h.stateOf(id))).toEqual(['pending', 'pending', 'sent', 'sent']);
    await h.advance(1_999);
    expect(h.stateOf(ids[1]!)).toBe('pending');
    await h.advance(1);
    expect(ids.map((id) => getDelivery(h.db, id).state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(getDelivery(h.db, ids[1]!).sentAt).toBe(T0 + 2_000);
    expect(h.emulator.stats()).toMatchObject({ violations: 0, injected429: 1, accepted: 4 });
  });

  it('disables a destination the platform refuses for good, skips its other deliveries and audits it', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 2, now: T0 });
    const blocked = { destinationId: people.destinationIds[0]!, recipientKey: `testchat:${people.chatIds[0]}` };
    h.emulator.blockChat(people.chatIds[0]!);
    const failing = insertDelivery(h.db, { ...blocked, contentId: h.signalId, dueAt: T0 });
    const queued = insertDelivery(h.db, { ...blocked, contentId: insertSignal(h.db), dueAt: T0 + 30_000 });
    const fine = insertDelivery(h.db, { destinationId: people.destinationIds[1]!, contentId: h.signalId, dueAt: T0 });
    await h.dispatcher.start();
    await h.settle();
    await h.advance(60_000);
    expect(getDelivery(h.db, failing)).toMatchObject({ state: 'dead', attempts: 1, lastError: 'the person blocked the bot' });
    expect(getDelivery(h.db, queued)).toMatchObject({ state: 'skipped', skipReason: 'destination_disabled' });
    expect(h.stateOf(fine)).toBe('sent');
    expect(h.db.select().from(destinations).where(eq(destinations.id, blocked.destinationId)).get()).toMatchObject({ enabled: false, disabledReason: 'blocked' });
    expect(h.db.select().from(auditEvents).all()).toEqual([
      expect.objectContaining({ action: 'destination.disabled', subjectId: blocked.destinationId, reason: 'blocked' }),
    ]);
    expect(h.emulator.stats().blocked).toBe(1);
    expect(h.logs.some((l) => l.level === 'warn' && l.obj.destinationId === blocked.destinationId)).toBe(true);
  });

  it('dead-letters a delivery after its last attempt, and retryDead brings it back', async () => {
    const h = await harness({ ...loosePerChat, maxAttempts: 3 });
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 });
    h.emulator.failNext({ kind: 'server_error', status: 500 }, { count: 3 });
    await h.dispatcher.start();
    await h.settle();
    await h.advance(500);
    await h.advance(1_000);
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'dead', attempts: 3, lastErrorCode: '500' });
    await h.advance(600_000);
    expect(h.emulator.server.requests).toHaveLength(3);
    expect(h.store.listDead({ limit: 10 }).map((d) => d.id)).toEqual([id]);
    expect(h.outcomes.filter((o) => o === 'dead')).toHaveLength(1);

    expect(h.store.retryDead('all', h.clock.now())).toEqual({ retried: 1, disabledDestination: 0, heldAgain: 0 });
    await h.settle();
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(h.emulator.messages).toHaveLength(1);
  });

  it('dead-letters a delivery whose content is gone, without blaming the destination', async () => {
    const h = await harness();
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: 'sig_deleted', dueAt: T0 });
    await h.dispatcher.start();
    await h.settle();
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'dead', lastErrorCode: 'content_not_found' });
    expect(h.db.select().from(destinations).where(eq(destinations.id, person.destinationIds[0]!)).get()?.enabled).toBe(true);
    expect(h.emulator.server.requests).toHaveLength(0);
  });

  it('stop() takes no new work, finishes the sends in flight and records them', async () => {
    const h = await harness();
    const people = seedSubscribers(h.db, { count: 3, now: T0 });
    const ids = people.destinationIds.map((destinationId) =>
      insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    const release = h.emulator.holdAnswers();
    await h.dispatcher.start();
    h.dispatcher.poke();
    while (h.emulator.messages.length < 3) await new Promise((r) => setImmediate(r));
    expect(h.dispatcher.sending).toBe(3);
    let stopped = false;
    const stopping = h.dispatcher.stop().then(() => (stopped = true));
    const late = insertDelivery(h.db, { destinationId: people.destinationIds[0]!, contentId: insertSignal(h.db), dueAt: T0 });
    h.dispatcher.poke();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(ids.map(h.stateOf)).toEqual(['sending', 'sending', 'sending']);
    release();
    await stopping;
    expect(ids.map(h.stateOf)).toEqual(['sent', 'sent', 'sent']);
    expect(h.stateOf(late)).toBe('pending');
    expect(h.emulator.messages).toHaveLength(3);
  });

  it('at start, sends again what a crash left in flight and logs each as a possible duplicate', async () => {
    const h = await harness();
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    const recipientKey = `testchat:${person.chatIds[0]}`;
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 });
    h.store.claim([id], T0 - 5);
    await h.dispatcher.start();
    expect(h.logs.filter((l) => l.level === 'warn' && l.obj.deliveryId === id)).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ deliveryId: id, recipientKey }), msg: expect.stringMatching(/may arrive twice/) }),
    ]);
    expect(h.outcomes).toContain('duplicate_risk');
    await h.settle();
    expect(h.stateOf(id)).toBe('sent');
    expect(h.emulator.messages).toHaveLength(1);
  });

  it('leaves deliveries for a platform without an adapter pending, says so once, and does not spin', async () => {
    const h = await harness();
    const channel = seedChannel(h.db, { recipient: { platform: 'telegram', chatId: '-100' }, now: T0 });
    const id = insertDelivery(h.db, { destinationId: channel.destinationId, contentId: h.signalId, dueAt: T0 });
    let finds = 0;
    const findDue = h.store.findDue.bind(h.store);
    h.store.findDue = (q) => {
      finds++;
      return findDue(q);
    };
    await h.dispatcher.start();
    await h.settle();
    await h.advance(10);
    const before = finds;
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(finds).toBe(before);
    expect(h.stateOf(id)).toBe('pending');
    expect(h.logs.filter((l) => l.obj.platform === 'telegram')).toEqual([expect.objectContaining({ level: 'warn', obj: { platform: 'telegram', pending: 1 } })]);
  });

  it('keeps going after the database fails for a moment, without losing a slot', async () => {
    const h = await harness();
    const person = seedSubscribers(h.db, { count: 1, now: T0 });
    const id = insertDelivery(h.db, { destinationId: person.destinationIds[0]!, contentId: h.signalId, dueAt: T0 });
    const claim = h.store.claim.bind(h.store);
    let failures = 1;
    h.store.claim = (ids, now, results) => {
      if (failures-- > 0) throw new Error('database is locked');
      return claim(ids, now, results);
    };
    await h.dispatcher.start();
    await h.settle();
    await h.advance(1_000);
    expect(h.logs).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(/delivery loop failed/) })]);
    // Sent on the next look: the slot taken before the failed claim was given back.
    expect(getDelivery(h.db, id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(h.emulator.stats()).toMatchObject({ accepted: 1, violations: 0 });
  });

  it('honours the per-group window for group chats', async () => {
    const h = await harness({
      emulator: { limits: { ...TESTCHAT_LIMITS, perGroup: { limit: 2, windowMs: 60_000 } } },
      dispatcher: { limits: { testchat: { ...TESTCHAT_LIMITS, perGroup: { limit: 2, windowMs: 60_000 } } } },
    });
    const group = seedChannel(h.db, { now: T0 });
    const ids = [0, 1, 2].map(() => insertDelivery(h.db, { destinationId: group.destinationId, contentId: insertSignal(h.db), dueAt: T0 }));
    await h.dispatcher.start();
    await h.settle();
    await h.advance(5_000);
    // The newest due row and the oldest went first (newest and oldest take turns); the third waits for the window.
    expect(ids.map(h.stateOf)).toEqual(['sent', 'pending', 'sent']);
    await h.advance(60_000);
    expect(ids.map(h.stateOf)).toEqual(['sent', 'sent', 'sent']);
    expect(h.emulator.stats().violations).toBe(0);
  });

  it('delivers a fan-out with injected 429s exactly once and never breaks a window', async () => {
    const h = await harness({ emulator: { inject429: { rate: 0.05, retryAfterSeconds: 1, seed: 3 } }, dispatcher: { concurrency: 16 } });
    const people = seedSubscribers(h.db, { count: 200, now: T0 });
    people.destinationIds.forEach((destinationId) =>
      insertDelivery(h.db, { destinationId, contentId: h.signalId, dueAt: T0 }));
    await h.dispatcher.start();
    await h.settle();
    for (let i = 0; i < 120 && h.emulator.messages.length < 200; i++) await h.advance(100);
    const stats = h.emulator.stats();
    expect(stats).toMatchObject({ accepted: 200, duplicates: 0, violations: 0 });
    expect(stats.injected429).toBeGreaterThan(0);
    expect(h.db.select().from(deliveries).where(eq(deliveries.state, 'sent')).all()).toHaveLength(200);
  });
});
