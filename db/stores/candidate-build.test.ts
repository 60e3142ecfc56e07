import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../core/planning/types';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { CandidateCache } from './candidate-cache';

/** A yieldNow the test resumes by hand: each step lets the build read one page. */
function handYield() {
  const waiting: (() => void)[] = [];
  return {
    yieldNow: () => new Promise<void>((resolve) => waiting.push(resolve)),
    get waiting() {
      return waiting.length;
    },
    async step(): Promise<void> {
      const resume = waiting.shift();
      if (!resume) throw new Error('no build is waiting');
      resume();
      await new Promise((r) => setImmediate(r));
    },
    async finish(): Promise<void> {
      while (waiting.length > 0) await this.step();
    },
  };
}

const streamed = (db: Db): Candidate[] => new CandidateCache(db.$client, { maxCached: 0 }).candidates();

function setup(options: { maxPatch?: number } = {}) {
  const db = openMemoryDatabase();
  const seeded = seedSubscribers(db, { count: 30, planId: 'pro' });
  const hand = handYield();
  const cache = new CandidateCache(db.$client, { background: { yieldNow: hand.yieldNow }, syncBuildMax: 5, buildPageSize: 10, ...options });
  return { db, seeded, hand, cache };
}

describe('CandidateCache with a background build', () => {
  it('returns from refresh at once, reads from the database meanwhile, and keeps the changes made during the build', async () => {
    const { db, seeded, hand, cache } = setup();
    cache.refresh();
    // Nothing read yet: the build waits for its first turn, and every use reads the database.
    expect(hand.waiting).toBe(1);
    expect(cache.readsEachTime).toBe(true);
    expect(cache.size).toBe(0);
    expect(cache.candidates()).toEqual(streamed(db));
    expect(cache.after(0, 7)).toMatchObject({ size: 7, more: true });

    await hand.step();
    await hand.step();
    // Changes while the build reads (one page read before them, the others after).
    db.$client.prepare(`UPDATE subscriptions SET status = 'canceled' WHERE account_id = ?`).run(seeded.accountIds[1]);
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id IN (?, ?)').run(seeded.destinationIds[2], seeded.destinationIds[25]);
    const added = seedSubscribers(db, { count: 1, planId: 'vip' });
    const during = cache.candidates();
    expect(during).toEqual(streamed(db));
    expect(during).toHaveLength(29);
    expect(cache.readsEachTime).toBe(true);

    await hand.finish();
    await cache.ready();
    expect(cache.readsEachTime).toBe(false);
    expect(cache.size).toBe(29);
    const kept = cache.candidates();
    expect(kept).toEqual(streamed(db));
    const byId = new Map(kept.map((c) => [c.destinationId, c]));
    const lapsed = byId.get(seeded.destinationIds[1] as string);
    expect(lapsed?.kind === 'direct' && lapsed.account?.subscriptions[0]?.status).toBe('canceled');
    expect(byId.has(added.destinationIds[0] as string)).toBe(true);
    expect(byId.has(seeded.destinationIds[2] as string)).toBe(false);
    expect(cache.stats.rebuilds).toBe(1);
    expect(hand.waiting).toBe(0);
  });

  it('builds again when more changes than it patches piled up during the build', async () => {
    const { db, seeded, hand, cache } = setup({ maxPatch: 3 });
    cache.refresh();
    await hand.step();
    db.$client.prepare(`UPDATE accounts SET paused = 1 WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(seeded.accountIds.slice(0, 5)));
    await hand.finish();
    await cache.ready();
    expect(cache.stats.rebuilds).toBe(2);
    expect(cache.readsEachTime).toBe(false);
    expect(cache.candidates()).toEqual(streamed(db));
  });

  it('builds small populations at once, without waiting for a turn', () => {
    const db = openMemoryDatabase();
    seedSubscribers(db, { count: 4, planId: 'pro' });
    const hand = handYield();
    const cache = new CandidateCache(db.$client, { background: { yieldNow: hand.yieldNow }, syncBuildMax: 5 });
    expect(cache.candidates()).toEqual(streamed(db));
    expect(cache.readsEachTime).toBe(false);
    expect(hand.waiting).toBe(0);
  });

  it('stops a build at close: no further page is read, nothing is kept, and the database can close', async () => {
    const { db, hand, cache } = setup();
    cache.refresh();
    await hand.step();
    cache.close();
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE rowid = 3').run();
    // The build wakes once more, sees it was stopped and asks for no other turn.
    await hand.step();
    expect(hand.waiting).toBe(0);
    await cache.ready();
    expect(cache.readsEachTime).toBe(true);
    expect(cache.stats.rebuilds).toBe(0);
    db.$client.close();
  });

  it('ends a build quietly when the database closed under it between pages', async () => {
    const { db, hand, cache } = setup();
    cache.refresh();
    await hand.step();
    db.$client.close();
    await hand.finish();
    // A statement on the closed database would have failed the build, and ready() with it.
    await expect(cache.ready()).resolves.toBeUndefined();
  });
});
