import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { auditEvents, destinations } from '../schema';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { SqliteDeliveryStore } from './delivery-store';
import { getDelivery, insertDelivery, insertSignal } from './delivery-store.fixtures';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('SqliteDeliveryStore', () => {
  let db: Db;
  let clock: FakeClock;
  let store: SqliteDeliveryStore;
  let people: ReturnType<typeof seedSubscribers>;
  const dest = (i: number) => ({ destinationId: people.destinationIds[i]!, recipientKey: `testchat:${people.chatIds[i]}` });

  beforeEach(() => {
    db = openMemoryDatabase();
    clock = new FakeClock(T0);
    store = new SqliteDeliveryStore({ db, clock });
    people = seedSubscribers(db, { count: 6, now: T0 });
  });

  it('finds due deliveries by priority, then due time, then id, with their address', () => {
    const late = insertDelivery(db, { ...dest(0), priority: 10, dueAt: T0 - 5_000 });
    const snapshot = insertDelivery(db, { ...dest(1), priority: 20, dueAt: T0 - 9_000 });
    const paidB = insertDelivery(db, { ...dest(2), priority: 0, dueAt: T0 - 1_000 });
    const paidA = insertDelivery(db, { ...dest(3), priority: 0, dueAt: T0 - 2_000 });
    const paidC = insertDelivery(db, { ...dest(4), priority: 0, dueAt: T0 - 1_000 });
    insertDelivery(db, { ...dest(5), priority: 0, dueAt: T0 + 1 });
    const due = store.findDue({ now: T0, platforms: ['testchat'], limit: 10 });
    expect(due.map((d) => d.id)).toEqual([paidA, paidB, paidC, late, snapshot]);
    expect(due[0]).toMatchObject({
      destinationId: people.destinationIds[3],
      recipient: { platform: 'testchat', chatId: people.chatIds[3] },
      isGroup: false,
      attempts: 0,
      kind: 'alert',
    });
  });

  it('gives each row its signal\'s public id, and names content that is gone by its type and ref', () => {
    const signalId = insertSignal(db);
    const live = insertDelivery(db, { ...dest(0), contentId: signalId, dueAt: T0 });
    const gone = insertDelivery(db, { ...dest(1), contentId: 'sig_deleted', dueAt: T0 });
    const goneRef = getDelivery(db, gone).contentRef;
    expect(getDelivery(db, live).contentRef).not.toBe(goneRef);
    expect(store.findDue({ now: T0, platforms: ['testchat'], limit: 10 }).map((d) => [d.id, d.contentType, d.contentId])).toEqual([
      [live, 'signal', signalId], [gone, 'signal', `signal#${goneRef}`],
    ]);
    store.claim([live, gone], T0);
    store.recordResults([{ type: 'dead', id: gone, at: T0 + 1, attempts: 1, error: 'gone', errorCode: 'content_not_found' }]);
    expect(store.listDead({ limit: 10 }).map((d) => [d.id, d.contentId])).toEqual([[gone, `signal#${goneRef}`]]);
    expect(store.recoverInFlight(T0 + 2).map((d) => [d.id, d.contentId])).toEqual([[live, signalId]]);
  });

  it('reads the next page after a cursor, across priorities', () => {
    const ids = [0, 1, 2, 3].map((i) => insertDelivery(db, { ...dest(i), priority: i < 2 ? 0 : 10, dueAt: T0 - 100 }));
    const first = store.findDue({ now: T0, platforms: ['testchat'], limit: 3 });
    expect(first.map((d) => d.id)).toEqual(ids.slice(0, 3));
    const last = first[2]!;
    const next = store.findDue({ now: T0, platforms: ['testchat'], limit: 3, after: { priority: last.priority, dueAt: last.dueAt, id: last.id } });
    expect(next.map((d) => d.id)).toEqual([ids[3]]);
  });

  it('leaves out other platforms, disabled destinations and rows not pending', () => {
    const channel = seedChannel(db, { recipient: { platform: 'telegram', chatId: '-100' }, now: T0 });
    insertDelivery(db, { destinationId: channel.destinationId, dueAt: T0 });
    insertDelivery(db, { ...dest(0), dueAt: T0, state: 'sending' });
    insertDelivery(db, { ...dest(1), dueAt: T0, state: 'dead' });
    const wanted = insertDelivery(db, { ...dest(2), dueAt: T0 });
    insertDelivery(db, { ...dest(3), dueAt: T0 });
    db.update(destinations).set({ enabled: false }).where(eq(destinations.id, people.destinationIds[3]!)).run();
    expect(store.findDue({ now: T0, platforms: ['testchat'], limit: 10 }).map((d) => d.id)).toEqual([wanted]);
    expect(store.findDue({ now: T0, platforms: ['telegram'], limit: 10 })[0]).toMatchObject({ isGroup: true, recipient: { platform: 'telegram', chatId: '-100' } });
    expect(store.findDue({ now: T0, platforms: [], limit: 10 })).toEqual([]);
  });

  it('claims only rows still pending and marks them sending with the claim time', () => {
    const a = insertDelivery(db, { ...dest(0), dueAt: T0 });
    const b = insertDelivery(db, { ...dest(1), dueAt: T0, state: 'sent' });
    expect(store.claim([a, b], T0 + 5)).toEqual([a]);
    expect(getDelivery(db, a)).toMatchObject({ state: 'sending', claimedAt: T0 + 5 });
    expect(store.claim([a], T0 + 6)).toEqual([]);
  });

  it('says when the next pending delivery is due, ignoring disabled destinations', () => {
    expect(store.nextDueAt(['testchat'], T0)).toBeUndefined();
    insertDelivery(db, { ...dest(3), priority: 0, dueAt: T0 });
    insertDelivery(db, { ...dest(0), priority: 10, dueAt: T0 + 60_000 });
    insertDelivery(db, { ...dest(1), priority: 0, dueAt: T0 + 90_000 });
    insertDelivery(db, { ...dest(2), priority: 20, dueAt: T0 + 1_000 });
    db.update(destinations).set({ enabled: false }).where(eq(destinations.id, people.destinationIds[2]!)).run();
    expect(store.nextDueAt(['testchat'], T0)).toBe(T0 + 60_000);
    expect(store.nextDueAt(['testchat'], T0 - 1)).toBe(T0);
    expect(store.nextDueAt(['telegram'], T0)).toBeUndefined();
  });

  it('records sent, retried, rate-limited and dead results in one batch', () => {
    const ids = [0, 1, 2, 3].map((i) => insertDelivery(db, { ...dest(i), dueAt: T0, attempts: i === 3 ? 7 : 1 }));
    store.claim(ids, T0);
    const [sent, retry, limited, dead] = ids as [number, number, number, number];
    store.recordResults([
      { type: 'sent', id: sent, at: T0 + 10, platformMessageId: 'm-1' },
      { type: 'retry', id: retry, at: T0 + 11, dueAt: T0 + 2_000, attempts: 2, error: 'Internal Server Error', errorCode: '500' },
      { type: 'rate_limited', id: limited, at: T0 + 12, dueAt: T0 + 1_012, error: 'Too Many Requests: retry after 1', errorCode: '429' },
      { type: 'dead', id: dead, at: T0 + 13, attempts: 8, error: 'Bad Gateway', errorCode: '502' },
    ]);
    expect(getDelivery(db, sent)).toMatchObject({ state: 'sent', platformMessageId: 'm-1', sentAt: T0 + 10, attempts: 2, claimedAt: null });
    expect(getDelivery(db, retry)).toMatchObject({ state: 'pending', attempts: 2, dueAt: T0 + 2_000, lastError: 'Internal Server Error', lastErrorCode: '500' });
    expect(getDelivery(db, limited)).toMatchObject({ state: 'pending', attempts: 1, dueAt: T0 + 1_012, lastErrorCode: '429' });
    expect(getDelivery(db, dead)).toMatchObject({ state: 'dead', attempts: 8, lastError: 'Bad Gateway' });
  });

  it('skips a retried or rate-limited try whose destination was disabled while it was in flight, so a later enable does not send it late', () => {
    const ids = [0, 1, 2].map((i) => insertDelivery(db, { ...dest(i), dueAt: T0, attempts: 0 }));
    store.claim(ids, T0);
    const [retry, limited, kept] = ids as [number, number, number];
    // A workspace's app is removed while the sends are in flight: its destinations are disabled.
    for (const i of [0, 1]) db.update(destinations).set({ enabled: false, disabledReason: 'installation_revoked' }).where(eq(destinations.id, people.destinationIds[i]!)).run();
    store.recordResults([
      { type: 'retry', id: retry, at: T0 + 11, dueAt: T0 + 2_000, attempts: 1, error: 'token_revoked', errorCode: 'token_revoked' },
      { type: 'rate_limited', id: limited, at: T0 + 12, dueAt: T0 + 1_012, error: 'rate limited', errorCode: 'ratelimited' },
      { type: 'retry', id: kept, at: T0 + 13, dueAt: T0 + 2_000, attempts: 1, error: 'HTTP 500', errorCode: '500' },
    ]);
    expect(getDelivery(db, retry)).toMatchObject({ state: 'skipped', skipReason: 'destination_disabled', attempts: 1, lastErrorCode: 'token_revoked' });
    expect(getDelivery(db, limited)).toMatchObject({ state: 'skipped', skipReason: 'destination_disabled' });
    expect(getDelivery(db, kept)).toMatchObject({ state: 'pending', skipReason: null, dueAt: T0 + 2_000 });
    for (const i of [0, 1]) db.update(destinations).set({ enabled: true, disabledReason: null }).where(eq(destinations.id, people.destinationIds[i]!)).run();
    expect(store.findDue({ now: T0 + 60_000, platforms: ['testchat'], limit: 10 }).map((d) => d.id)).toEqual([kept]);
  });

  it('disables the destination on a permanent failure, skips its other deliveries and audits it, once', () => {
    const failing = insertDelivery(db, { ...dest(0), contentId: 'sig_1', dueAt: T0 });
    const other = insertDelivery(db, { ...dest(0), contentId: 'sig_2', dueAt: T0 + 60_000, capAccountId: people.accountIds[0]!, capDay: '2026-01-15' });
    const elsewhere = insertDelivery(db, { ...dest(1), contentId: 'sig_1', dueAt: T0 });
    store.claim([failing], T0);
    const permanent = {
      type: 'permanent' as const, id: failing, at: T0 + 20, attempts: 1, destinationId: people.destinationIds[0]!, platform: 'testchat' as const,
      recipientKey: dest(0).recipientKey, reason: 'blocked' as const, error: 'Forbidden: bot was blocked by the user', errorCode: '403',
    };
    store.recordResults([permanent]);
    expect(getDelivery(db, failing)).toMatchObject({ state: 'dead', lastErrorCode: '403', attempts: 1 });
    // Skipped, it no longer counts toward the account's daily cap.
    expect(getDelivery(db, other)).toMatchObject({ state: 'skipped', skipReason: 'destination_disabled', capDay: null, capAccountId: null });
    expect(getDelivery(db, elsewhere).state).toBe('pending');
    const destination = db.select().from(destinations).where(eq(destinations.id, people.destinationIds[0]!)).get()!;
    expect(destination).toMatchObject({ enabled: false, disabledReason: 'blocked' });
    expect(destination.disabledAt?.getTime()).toBe(T0 + 20);
    const audits = db.select().from(auditEvents).all();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'destination.disabled', subjectType: 'destination', subjectId: people.destinationIds[0], reason: 'blocked',
      data: expect.objectContaining({ answer: 'Forbidden: bot was blocked by the user', deliveryId: failing, skippedDeliveries: 1 }),
    });
    // A second permanent answer for the same destination writes no second audit event.
    const again = insertDelivery(db, { ...dest(0), contentId: 'sig_3', dueAt: T0 });
    store.claim([again], T0);
    store.recordResults([{ ...permanent, id: again }]);
    expect(db.select().from(auditEvents).all()).toHaveLength(1);
  });

  it('writes a whole batch or nothing', () => {
    const b = insertDelivery(db, { ...dest(1), dueAt: T0 });
    const c = insertDelivery(db, { ...dest(2), dueAt: T0 });
    store.claim([b, c], T0);
    const audit = { record: () => { throw new Error('audit store down'); } };
    const failing = new SqliteDeliveryStore({ db, clock, audit });
    expect(() => failing.recordResults([
      { type: 'sent', id: b, at: T0, platformMessageId: 'm-b' },
      { type: 'permanent', id: c, at: T0, attempts: 1, destinationId: people.destinationIds[2]!, platform: 'testchat', recipientKey: 'k', reason: 'blocked', error: 'x', errorCode: '403' },
    ])).toThrow(/audit store down/);
    expect(getDelivery(db, b).state).toBe('sending');
    expect(getDelivery(db, c).state).toBe('sending');
    expect(db.select().from(destinations).where(eq(destinations.id, people.destinationIds[2]!)).get()?.enabled).toBe(true);
  });

  it('puts rows left sending by a crash back to pending and returns each of them', () => {
    const a = insertDelivery(db, { ...dest(0), dueAt: T0 });
    const b = insertDelivery(db, { ...dest(1), dueAt: T0 });
    store.claim([a], T0 + 1);
    const recovered = store.recoverInFlight(T0 + 100);
    expect(recovered).toEqual([{ id: a, platform: 'testchat', recipientKey: dest(0).recipientKey, contentId: expect.any(String), kind: 'alert', claimedAt: T0 + 1 }]);
    expect(getDelivery(db, a)).toMatchObject({ state: 'pending', claimedAt: null, attempts: 0 });
    expect(getDelivery(db, b).state).toBe('pending');
    expect(store.recoverInFlight(T0 + 200)).toEqual([]);
  });

  it('lists dead letters newest first, by platform, and retries chosen ones or all', () => {
    const ids = [0, 1, 2].map((i) => insertDelivery(db, { ...dest(i), dueAt: T0 }));
    store.claim(ids, T0);
    store.recordResults(ids.map((id, i) => ({ type: 'dead' as const, id, at: T0 + i, attempts: 8, error: 'Bad Gateway', errorCode: '502' })));
    db.update(destinations).set({ enabled: false }).where(eq(destinations.id, people.destinationIds[2]!)).run();
    const dead = store.listDead({ limit: 10 });
    expect(dead.map((d) => d.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(dead[0]).toMatchObject({ destinationEnabled: false, attempts: 8, lastError: 'Bad Gateway', platform: 'testchat' });
    expect(store.listDead({ limit: 10, platform: 'telegram' })).toEqual([]);
    expect(store.listDead({ limit: 1 })).toHaveLength(1);

    clock.set(T0 + 5_000);
    expect(store.retryDead([ids[0]!], clock.now())).toEqual({ retried: 1, disabledDestination: 0, heldAgain: 0 });
    expect(getDelivery(db, ids[0]!)).toMatchObject({ state: 'pending', attempts: 0, dueAt: T0 + 5_000 });
    expect(store.retryDead('all', clock.now())).toEqual({ retried: 2, disabledDestination: 1, heldAgain: 0 });
    expect(store.retryDead('all', clock.now())).toEqual({ retried: 0, disabledDestination: 0, heldAgain: 0 });
    expect(store.listDead({ limit: 10 })).toEqual([]);
  });

  it('counts the queue by platform and state', () => {
    insertDelivery(db, { ...dest(0), dueAt: T0 });
    insertDelivery(db, { ...dest(1), dueAt: T0 });
    insertDelivery(db, { ...dest(2), dueAt: T0, state: 'sent' });
    const counts = store.countByPlatformAndState();
    expect(counts).toEqual(expect.arrayContaining([
      { platform: 'testchat', state: 'pending', count: 2 },
      { platform: 'testchat', state: 'sent', count: 1 },
    ]));
    expect(counts).toHaveLength(2);
  });
});
