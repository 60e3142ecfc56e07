import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../client';
import { accounts, destinations, identities, subscriptions } from '../schema';
import { seedChannel, seedSubscribers } from './seed';

describe('seedSubscribers', () => {
  it('inserts an account, identity, subscription and direct destination per subscriber', () => {
    const db = openMemoryDatabase();
    const now = Date.UTC(2026, 0, 1);
    const seeded = seedSubscribers(db, { count: 3, planId: 'pro', status: 'trialing', subscription: { trialEnd: now + 1000 }, settings: { minBand: 'B', quietStart: '22:00', quietEnd: '07:00' }, now });
    expect(seeded.destinationIds).toHaveLength(3);
    expect(new Set(seeded.chatIds).size).toBe(3);

    const dest = db.select().from(destinations).where(eq(destinations.id, seeded.destinationIds[1] as string)).get();
    expect(dest).toMatchObject({ kind: 'direct', platform: 'testchat', address: { platform: 'testchat', chatId: seeded.chatIds[1] }, recipientKey: `testchat:${seeded.chatIds[1]}`, accountId: seeded.accountIds[1], identityId: seeded.identityIds[1], enabled: true });
    expect(db.select().from(identities).where(eq(identities.id, seeded.identityIds[1] as string)).get()).toMatchObject({ platformUserId: seeded.chatIds[1], accountId: seeded.accountIds[1] });
    expect(db.select().from(accounts).where(eq(accounts.id, seeded.accountIds[1] as string)).get()).toMatchObject({ minBand: 'B', quietStart: '22:00', directMessages: true, createdAt: new Date(now) });
    expect(db.select().from(subscriptions).where(eq(subscriptions.accountId, seeded.accountIds[1] as string)).get()).toMatchObject({ planId: 'pro', status: 'trialing', trialEnd: new Date(now + 1000), currentPeriodEnd: new Date(now + 30 * 86_400_000) });
  });

  it('gives free subscribers no subscription and never reuses a chat id', async () => {
    const db = openMemoryDatabase();
    const a = seedSubscribers(db, { count: 50 });
    const b = seedSubscribers(db, { count: 50, platform: 'telegram' });
    expect(await db.$count(subscriptions)).toBe(0);
    expect(new Set([...a.chatIds, ...b.chatIds]).size).toBe(100);
  });

  it('refuses invalid settings before inserting anything', () => {
    const db = openMemoryDatabase();
    expect(() => seedSubscribers(db, { count: 1, settings: { timeZone: 'Nowhere/Land' } })).toThrow('timeZone');
  });
});

describe('seedChannel', () => {
  it('inserts a channel destination with its plan', () => {
    const db = openMemoryDatabase();
    const { destinationId, recipient } = seedChannel(db, { planId: 'vip', label: 'VIP room' });
    expect(db.select().from(destinations).where(eq(destinations.id, destinationId)).get()).toMatchObject({ kind: 'channel', planId: 'vip', isGroup: true, label: 'VIP room', address: recipient });
    expect(recipient).toMatchObject({ platform: 'testchat', chatId: expect.stringMatching(/^-\d+$/) });
  });

  it('inserts a channel an account owns, with its recipient\'s tenant', () => {
    const db = openMemoryDatabase();
    const [owner] = seedSubscribers(db, { count: 1, planId: 'pro' }).accountIds;
    const { destinationId } = seedChannel(db, { recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C1' }, accountId: owner });
    expect(db.select().from(destinations).where(eq(destinations.id, destinationId)).get()).toMatchObject({ tenant: 'T1', accountId: owner, planId: null, recipientKey: 'teamchat:T1:C1' });
    expect(db.select().from(destinations).where(eq(destinations.kind, 'direct')).get()).toMatchObject({ tenant: null });
  });
});
