import { beforeEach, describe, expect, it } from 'vitest';
import type { DueDelivery } from '../../core/delivery/ports';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { insertDelivery, insertSignal } from './delivery-store.fixtures';
import { FakeClock } from '../../core/clock';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('SqliteContentResolver', () => {
  let db: Db;
  let base: DueDelivery;

  beforeEach(() => {
    db = openMemoryDatabase();
    const people = seedSubscribers(db, { count: 1, now: T0 });
    base = {
      id: 1, contentType: 'signal', contentId: 'sig_x', kind: 'alert', destinationId: people.destinationIds[0]!, accountId: null,
      platform: 'testchat', recipientKey: `testchat:${people.chatIds[0]}`, recipient: { platform: 'testchat', chatId: people.chatIds[0]! },
      isGroup: false, priority: 0, dueAt: T0, attempts: 0,
    };
  });

  it('turns a signal alert into an alert message', () => {
    const id = insertSignal(db, { symbol: 'ETHUSDT', createdAt: T0 });
    const message = new SqliteContentResolver({ db }).resolve({ ...base, contentId: id }, T0 + 1_000);
    expect(message).toMatchObject({ kind: 'alert', delayedMinutes: undefined, signal: { id, symbol: 'ETHUSDT', band: 'A', targets: [110, 120] } });
  });

  it('says how many minutes late a delayed plan\'s alert is', () => {
    const id = insertSignal(db, { createdAt: T0 });
    const resolver = new SqliteContentResolver({ db });
    expect(resolver.resolve({ ...base, contentId: id, priority: 10 }, T0 + 15 * 60_000 + 30_000)).toMatchObject({ delayedMinutes: 15 });
    expect(resolver.resolve({ ...base, contentId: id, priority: 0 }, T0 + 15 * 60_000)).toMatchObject({ delayedMinutes: undefined });
  });

  it('loads a signal once for a whole fan-out', () => {
    const id = insertSignal(db, { createdAt: T0 });
    const resolver = new SqliteContentResolver({ db });
    const first = resolver.resolve({ ...base, contentId: id }, T0);
    db.$client.prepare('UPDATE signals SET symbol = ? WHERE id = ?').run('CHANGED', id);
    const second = resolver.resolve({ ...base, contentId: id }, T0);
    expect(second.kind === 'alert' && second.signal).toBe(first.kind === 'alert' && first.signal);
  });

  it('forgets the least recently used signal beyond its cache size', () => {
    const a = insertSignal(db, { symbol: 'AAA' });
    const b = insertSignal(db, { symbol: 'BBB' });
    const resolver = new SqliteContentResolver({ db, cacheSize: 1 });
    resolver.resolve({ ...base, contentId: a }, T0);
    resolver.resolve({ ...base, contentId: b }, T0);
    db.$client.prepare('UPDATE signals SET symbol = ? WHERE id = ?').run('AAA2', a);
    expect(resolver.resolve({ ...base, contentId: a }, T0)).toMatchObject({ signal: { symbol: 'AAA2' } });
  });

  it('sends a rationale as a reply to the alert already sent to that destination', () => {
    const id = insertSignal(db, { rationaleText: 'Momentum and positioning agree.' });
    const alert = insertDelivery(db, { destinationId: base.destinationId, contentId: id, dueAt: T0 });
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    store.claim([alert], T0);
    store.recordResults([{ type: 'sent', id: alert, at: T0, platformMessageId: '77' }]);
    const message = new SqliteContentResolver({ db }).resolve({ ...base, contentId: id, kind: 'rationale' }, T0);
    expect(message).toMatchObject({ kind: 'rationale', text: 'Momentum and positioning agree.', replyToMessageId: '77' });
  });

  it('waits with a rationale while its alert is held for the digest, and withdraws it where the alert expired or was superseded', () => {
    const id = insertSignal(db, { rationaleText: 'Momentum and positioning agree.' });
    const alert = insertDelivery(db, { destinationId: base.destinationId, contentId: id, dueAt: T0 + 3_600_000, state: 'held' });
    const resolver = new SqliteContentResolver({ db });
    const rationale = { ...base, contentId: id, kind: 'rationale' as const };
    expect(() => resolver.resolve(rationale, T0)).toThrow(expect.objectContaining({ name: 'ContentNotReadyError', retryInMs: 3_600_000 }));
    for (const state of ['expired', 'superseded']) {
      db.$client.prepare('UPDATE deliveries SET state = ? WHERE id = ?').run(state, alert);
      expect(() => resolver.resolve(rationale, T0)).toThrow(expect.objectContaining({ name: 'ContentWithdrawnError', reason: 'alert_not_delivered' }));
    }
  });

  it('refuses content that does not exist with not_found, and an unwritten rationale with conflict', () => {
    const resolver = new SqliteContentResolver({ db });
    expect(() => resolver.resolve({ ...base, contentId: 'sig_gone' }, T0)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => resolver.resolve({ ...base, contentType: 'snapshot' }, T0)).toThrow(expect.objectContaining({ code: 'not_found' }));
    const id = insertSignal(db);
    expect(() => resolver.resolve({ ...base, contentId: id, kind: 'rationale' }, T0)).toThrow(expect.objectContaining({ code: 'conflict' }));
  });
});
