import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../core/planning/types';
import { openMemoryDatabase, type Db } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { CandidateCache } from './candidate-cache';

const DAY = 86_400_000;

/** Every shape the columns hold: direct destinations, owned and plain channels, filters, several subscriptions and destinations, settings. */
function seedMix(db: Db): { sharedAccount: string; ownedChannel: string; subscribers: ReturnType<typeof seedSubscribers> } {
  const subscribers = seedSubscribers(db, { count: 4, planId: 'pro' });
  seedSubscribers(db, { count: 2, planId: 'vip', platform: 'telegram', settings: { quietStart: '22:00', quietEnd: '07:00', timeZone: 'Europe/London', minBand: 'B', symbolFilter: ['BTC', 'ETH'], sideFilter: ['long'] } });
  seedSubscribers(db, { count: 1, planId: 'pro', subscription: { source: 'grant', currentPeriodEnd: null, cancelAtPeriodEnd: true, trialEnd: 5 * DAY, pastDueSince: 3 * DAY } });
  seedSubscribers(db, { count: 1, settings: { paused: true } });
  const [first, second] = subscribers.accountIds as [string, string];
  // An account with three subscriptions, one of them held.
  db.$client.prepare(`INSERT INTO subscriptions (id, account_id, plan_id, status, trial_end, source, created_at, updated_at) VALUES ('sub_x1', ?, 'vip', 'trialing', ?, 'stripe', 1, 1)`).run(first, 9 * DAY);
  db.$client.prepare(`INSERT INTO subscriptions (id, account_id, plan_id, status, access_revoked_at, source, created_at, updated_at) VALUES ('sub_x2', ?, 'pro', 'past_due', 7, 'stripe', 1, 1)`).run(first);
  // A channel owned by an account that also has a direct destination, one with filters, one on the free plan.
  const owned = seedChannel(db, { accountId: second });
  const filtered = seedChannel(db, { planId: 'vip' });
  db.$client.prepare('UPDATE destinations SET filters = ? WHERE id = ?').run(JSON.stringify({ symbolFilter: ['SOL'], minBand: 'A', sideFilter: ['short'] }), filtered.destinationId);
  seedChannel(db, { planId: null, recipient: { platform: 'discord', chatId: '99', tenant: 'g1' } });
  return { sharedAccount: second, ownedChannel: owned.destinationId, subscribers };
}

const streamed = (db: Db): Candidate[] => new CandidateCache(db.$client, { maxCached: 0 }).candidates();

describe('CandidateCache as columns', () => {
  it('gives the same candidates as a read from the database, for every shape of destination and account', () => {
    const db = openMemoryDatabase();
    const { sharedAccount, ownedChannel, subscribers } = seedMix(db);
    const cache = new CandidateCache(db.$client);

    const kept = cache.candidates();
    expect(cache.readsEachTime).toBe(false);
    expect(kept).toHaveLength(11);
    expect(kept).toEqual(streamed(db));
    // One account object for the person's direct messages and the channel they own.
    const chunk = cache.after(0, 100);
    const all = [...chunk.candidates];
    const dm = all.find((c) => c.destinationId === subscribers.destinationIds[1]);
    const channel = all.find((c) => c.destinationId === ownedChannel);
    expect(dm?.kind === 'direct' && dm.account?.id).toBe(sharedAccount);
    expect(channel?.kind === 'channel' && channel.owner).toBe(dm?.kind === 'direct' ? dm.account : undefined);
    expect(Object.fromEntries(cache.countsByPlatform())).toEqual({ testchat: 8, telegram: 2, discord: 1 });
  });

  it('keeps thousands of candidates exactly, past the size its arrays start at, and finds each by id', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 5_000, planId: 'pro' });
    const cache = new CandidateCache(db.$client);
    expect(cache.candidates()).toEqual(streamed(db));
    // A deleted destination is found by id in the columns to be taken out.
    db.$client.prepare('DELETE FROM destinations WHERE id IN (?, ?)').run(seeded.destinationIds[4_321], seeded.destinationIds[17]);
    expect(cache.candidates()).toEqual(streamed(db));
    expect(cache.size).toBe(4_998);
  });

  it('pages through everything in ref order with a correct "more", also across destinations added, changed and removed after the build', () => {
    const db = openMemoryDatabase();
    const { subscribers } = seedMix(db);
    const cache = new CandidateCache(db.$client);
    cache.refresh();
    const [a, b, c] = subscribers.destinationIds as [string, string, string];
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id = ?').run(a);
    db.$client.prepare('DELETE FROM destinations WHERE id = ?').run(c);
    db.$client.prepare('UPDATE accounts SET paused = 1 WHERE id = ?').run(subscribers.accountIds[1]);
    db.$client.prepare(`UPDATE subscriptions SET status = 'canceled' WHERE account_id = ?`).run(subscribers.accountIds[3]);
    seedSubscribers(db, { count: 2, planId: 'pro', platform: 'telegram' });
    seedChannel(db, { planId: 'vip' });

    const expected = streamed(db);
    expect(expected.map((x) => x.destinationId)).not.toContain(a);
    for (const limit of [1, 3, 100]) {
      const read = new CandidateCache(db.$client, { maxCached: 0 });
      const pages: Candidate[][] = [];
      for (let cursor = 0, more = true; more; ) {
        const page = cache.after(cursor, limit);
        const other = read.after(cursor, limit);
        expect(page).toMatchObject({ size: other.size, lastRef: other.lastRef, more: other.more });
        const candidates = [...page.candidates];
        expect(candidates).toEqual([...other.candidates]);
        for (const x of candidates) expect(page.refOf(x.destinationId)).toBe(other.refOf(x.destinationId));
        pages.push(candidates);
        ({ more } = page);
        cursor = page.lastRef;
      }
      expect(pages.flat()).toEqual(expected);
      expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    }
    expect(cache.readsEachTime).toBe(false);
    expect(cache.size).toBe(expected.length);
    expect(Object.fromEntries(cache.countsByPlatform())).toEqual(Object.fromEntries(new CandidateCache(db.$client, { maxCached: 0 }).countsByPlatform()));
    expect(cache.stats.rebuilds).toBe(1);
    expect(direct(expected, b).account?.paused).toBe(true);
  });

  it('follows a destination whose id changed, under its new id at the same ref', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 3, planId: 'pro' });
    const cache = new CandidateCache(db.$client);
    cache.refresh();
    db.$client.prepare(`UPDATE destinations SET id = 'dst_renamed' WHERE id = ?`).run(seeded.destinationIds[1]);
    const after = cache.candidates();
    expect(after.map((c) => c.destinationId)).toEqual([seeded.destinationIds[0], 'dst_renamed', seeded.destinationIds[2]]);
    expect(after).toEqual(streamed(db));
  });

  it('builds the columns again once the destinations re-read since pass maxOverlay, with nothing lost', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 6, planId: 'pro' });
    const cache = new CandidateCache(db.$client, { maxOverlay: 2 });
    cache.refresh();
    db.$client.prepare('UPDATE accounts SET min_band = ? WHERE id = ?').run('A', seeded.accountIds[0]);
    cache.refresh();
    expect(cache.stats).toEqual({ rebuilds: 1, patched: 1 });
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id IN (?, ?)').run(seeded.destinationIds[1], seeded.destinationIds[2]);
    expect(cache.candidates()).toEqual(streamed(db));
    expect(cache.stats.rebuilds).toBe(2);
    expect(cache.size).toBe(4);
  });
});

function direct(candidates: Candidate[], id: string) {
  const c = candidates.find((x) => x.destinationId === id);
  if (c?.kind !== 'direct') throw new Error(`expected a direct candidate ${id}`);
  return c;
}
