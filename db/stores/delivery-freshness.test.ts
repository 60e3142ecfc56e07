// The outbox's reads for fresh alerts: newest first with a cursor, the expiry sweep, and the oldest pending alert per platform.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { SqliteDeliveryStore } from './delivery-store';
import { getDelivery, insertDelivery } from './delivery-store.fixtures';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('SqliteDeliveryStore: fresh alerts', () => {
  let db: Db;
  let store: SqliteDeliveryStore;
  let people: ReturnType<typeof seedSubscribers>;
  let telegram: ReturnType<typeof seedSubscribers>;
  const dest = (i: number) => ({ destinationId: people.destinationIds[i]! });

  beforeEach(() => {
    db = openMemoryDatabase();
    store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    people = seedSubscribers(db, { count: 8, now: T0 });
    telegram = seedSubscribers(db, { count: 2, now: T0, platform: 'telegram' });
  });

  it('reads due rows newest first within each priority, priorities still ascending, page by page', () => {
    const a = insertDelivery(db, { ...dest(0), priority: 0, dueAt: T0 - 3_000 });
    const b = insertDelivery(db, { ...dest(1), priority: 0, dueAt: T0 - 1_000 });
    const c = insertDelivery(db, { ...dest(2), priority: 0, dueAt: T0 - 1_000 });
    const d = insertDelivery(db, { ...dest(3), priority: 10, dueAt: T0 - 9_000 });
    const e = insertDelivery(db, { ...dest(4), priority: 10, dueAt: T0 });
    insertDelivery(db, { ...dest(5), priority: 0, dueAt: T0 + 1 });
    const all = store.findDue({ now: T0, platforms: ['testchat'], limit: 10, order: 'newest' });
    expect(all.map((r) => r.id)).toEqual([c, b, a, e, d]);
    const pages: number[] = [];
    let after: { priority: number; dueAt: number; id: number } | undefined;
    for (;;) {
      const page = store.findDue({ now: T0, platforms: ['testchat'], limit: 2, order: 'newest', after });
      pages.push(...page.map((r) => r.id));
      if (page.length < 2) break;
      const last = page[page.length - 1]!;
      after = { priority: last.priority, dueAt: last.dueAt, id: last.id };
    }
    expect(pages).toEqual([c, b, a, e, d]);
  });

  it('never returns a pending row whose expires_at has passed, in either order; a row without one is always due', () => {
    const stale = insertDelivery(db, { ...dest(0), dueAt: T0 - 60_000, expiresAt: T0 });
    const fresh = insertDelivery(db, { ...dest(1), dueAt: T0 - 60_000, expiresAt: T0 + 1 });
    const forever = insertDelivery(db, { ...dest(2), dueAt: T0 - 86_400_000 });
    for (const order of ['oldest', 'newest'] as const) {
      const ids = store.findDue({ now: T0, platforms: ['testchat'], limit: 10, order }).map((r) => r.id);
      expect(ids.sort()).toEqual([fresh, forever].sort());
    }
    expect(getDelivery(db, stale).state).toBe('pending');
  });

  it('expires pending rows past expires_at, clearing their cap, counted per platform and bounded per call', () => {
    const capped = { capAccountId: people.accountIds[0]!, capDay: '2026-01-05' };
    const expiring = [0, 1, 2].map((i) => insertDelivery(db, { ...dest(i), ...capped, priority: i === 2 ? 10 : 0, dueAt: T0 - 60_000, expiresAt: T0 - 1_000 }));
    const onTelegram = insertDelivery(db, { destinationId: telegram.destinationIds[0]!, dueAt: T0 - 60_000, expiresAt: T0 });
    const untouched = [
      insertDelivery(db, { ...dest(3), ...capped, dueAt: T0 - 60_000, expiresAt: T0 + 1 }),
      insertDelivery(db, { ...dest(4), dueAt: T0 - 86_400_000 }),
      insertDelivery(db, { ...dest(5), dueAt: T0 - 60_000, expiresAt: T0 - 1_000, state: 'sending' }),
      insertDelivery(db, { ...dest(6), dueAt: T0 - 60_000, expiresAt: T0 - 1_000, state: 'held' }),
      insertDelivery(db, { ...dest(7), dueAt: T0 - 60_000, expiresAt: T0 - 1_000, state: 'sent' }),
    ];
    const first = store.expireDue(T0, 2);
    expect(first.reduce((n, c) => n + c.count, 0)).toBe(2);
    const rest = store.expireDue(T0, 100);
    const total = new Map<string, number>();
    for (const c of [...first, ...rest]) total.set(c.platform, (total.get(c.platform) ?? 0) + c.count);
    expect(Object.fromEntries(total)).toEqual({ testchat: 3, telegram: 1 });
    expect(store.expireDue(T0, 100)).toEqual([]);
    for (const id of [...expiring, onTelegram]) {
      expect(getDelivery(db, id)).toMatchObject({ state: 'expired', capDay: null, capAccountId: null, updatedAt: T0 });
    }
    expect(untouched.map((id) => getDelivery(db, id).state)).toEqual(['pending', 'pending', 'sending', 'held', 'sent']);
    expect(getDelivery(db, untouched[0]!)).toMatchObject({ capDay: '2026-01-05' });
  });

  it('finds each platform\'s oldest due pending alert, leaving out other kinds, expired and undue rows, among the first rows of each priority', () => {
    insertDelivery(db, { ...dest(0), kind: 'rationale', priority: 1, dueAt: T0 - 900_000 });
    insertDelivery(db, { ...dest(1), dueAt: T0 - 800_000, expiresAt: T0 });
    insertDelivery(db, { ...dest(2), dueAt: T0 - 700_000, state: 'sending' });
    insertDelivery(db, { ...dest(3), priority: 10, dueAt: T0 - 120_000 });
    insertDelivery(db, { ...dest(4), dueAt: T0 - 60_000 });
    insertDelivery(db, { ...dest(5), dueAt: T0 + 1 });
    insertDelivery(db, { destinationId: telegram.destinationIds[0]!, dueAt: T0 - 5_000 });
    const oldest = Object.fromEntries(store.oldestPendingAlerts(T0, 10).map((r) => [r.platform, r.dueAt]));
    expect(oldest).toEqual({ testchat: T0 - 120_000, telegram: T0 - 5_000 });
    // Bounded: with one row read per platform and priority, the alerts behind the first due row of each are not seen;
    // another platform's rows never hide a platform's alert.
    expect(store.oldestPendingAlerts(T0, 1)).toEqual([{ platform: 'telegram', dueAt: T0 - 5_000 }, { platform: 'testchat', dueAt: T0 - 120_000 }]);
    expect(store.oldestPendingAlerts(T0 - 1_000_000, 10)).toEqual([]);
  });
});
