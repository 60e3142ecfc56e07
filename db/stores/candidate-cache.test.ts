import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candidate, DirectCandidate } from '../../core/planning/types';
import { openDatabase, openMemoryDatabase, type Db } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { CandidateCache } from './candidate-cache';

const direct = (c: Candidate | undefined): DirectCandidate => {
  if (c?.kind !== 'direct') throw new Error(`expected a direct candidate, got ${JSON.stringify(c)}`);
  return c;
};

function byId(cache: CandidateCache): Map<string, Candidate> {
  return new Map(cache.candidates().map((c) => [c.destinationId, c]));
}

describe('CandidateCache', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanups.splice(0)) f();
  });

  function setup(): { db: Db; cache: CandidateCache; seeded: ReturnType<typeof seedSubscribers> } {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 3, planId: 'pro' });
    return { db, cache: new CandidateCache(db.$client), seeded };
  }

  it('reads every destination that takes alerts, with its account and subscriptions, on first use', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 3, planId: 'pro' });
    const channel = seedChannel(db, { planId: 'vip' });
    seedChannel(db, { contentKinds: ['snapshot'] });
    const cache = new CandidateCache(db.$client);

    const all = cache.candidates();
    expect(all.map((c) => c.destinationId)).toEqual([...seeded.destinationIds, channel.destinationId]);
    const first = direct(all[0]);
    expect(first.account?.id).toBe(seeded.accountIds[0]);
    expect(first.account?.subscriptions.map((s) => [s.planId, s.status])).toEqual([['pro', 'active']]);
    expect(all[3]).toMatchObject({ kind: 'channel', planId: 'vip' });
    const [batch] = [...cache.batches()];
    const ref = db.$client.prepare('SELECT ref FROM destinations WHERE id = ?').pluck().get(channel.destinationId);
    expect(batch?.refOf(channel.destinationId)).toBe(ref);
    expect(cache.stats.rebuilds).toBe(1);
  });

  it('gives the candidates above a cursor in ascending ref order, kept or read, also one re-read after the build (in the overlay)', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 6, planId: 'pro' });
    const kept = new CandidateCache(db.$client);
    const read = new CandidateCache(db.$client, { maxCached: 0 });
    const refs = db.$client.prepare('SELECT ref FROM destinations ORDER BY ref').pluck().all() as number[];
    kept.refresh();
    // Off and on again: removed, then put back by the overlay, in its place by ref.
    const second = seeded.destinationIds[1] as string;
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id = ?').run(second);
    kept.refresh();
    db.$client.prepare('UPDATE destinations SET enabled = 1 WHERE id = ?').run(second);
    expect(kept.candidates().map((c) => c.destinationId)).toEqual(seeded.destinationIds);
    for (const cache of [kept, read]) {
      const first = cache.after(0, 4);
      expect([...first.candidates].map((c) => first.refOf(c.destinationId))).toEqual(refs.slice(0, 4));
      expect(first).toMatchObject({ size: 4, lastRef: refs[3], more: true });
      const rest = cache.after(first.lastRef, 4);
      expect([...rest.candidates].map((c) => c.destinationId)).toEqual(seeded.destinationIds.slice(4));
      expect(rest).toMatchObject({ size: 2, lastRef: refs[5], more: false });
      expect(cache.after(rest.lastRef, 4)).toMatchObject({ size: 0, lastRef: refs[5], more: false });
    }
    expect(kept.readsEachTime).toBe(false);
    expect(read.readsEachTime).toBe(true);
  });

  it('counts candidates per platform, again only when a destination or account changed', () => {
    const db = openMemoryDatabase();
    seedSubscribers(db, { count: 3, planId: 'pro' });
    seedSubscribers(db, { count: 2, planId: 'pro', platform: 'telegram' });
    for (const cache of [new CandidateCache(db.$client), new CandidateCache(db.$client, { maxCached: 0 })]) {
      const counts = cache.countsByPlatform();
      expect(Object.fromEntries(counts)).toEqual({ testchat: 3, telegram: 2 });
      expect(cache.countsByPlatform()).toBe(counts);
    }
    const cache = new CandidateCache(db.$client);
    const before = cache.countsByPlatform();
    seedSubscribers(db, { count: 1, planId: 'pro', platform: 'telegram' });
    expect(Object.fromEntries(cache.countsByPlatform())).toEqual({ testchat: 3, telegram: 3 });
    expect(cache.countsByPlatform()).not.toBe(before);
  });

  it('carries a channel\'s own filters, only where it has some, and sees them change', () => {
    const db = openMemoryDatabase();
    const plain = seedChannel(db, { planId: 'vip' });
    const filtered = seedChannel(db, { planId: 'vip' });
    const cache = new CandidateCache(db.$client);
    expect(cache.candidates().map((c) => c.kind === 'channel' && 'filters' in c)).toEqual([false, false]);
    db.$client.prepare('UPDATE destinations SET filters = ? WHERE id = ?')
      .run(JSON.stringify({ symbolFilter: ['BTC'], minBand: 'A', sideFilter: null }), filtered.destinationId);
    const after = byId(cache);
    expect(after.get(filtered.destinationId)).toMatchObject({ kind: 'channel', filters: { symbolFilter: ['BTC'], minBand: 'A', sideFilter: null } });
    expect(after.get(plain.destinationId)).not.toHaveProperty('filters');
    expect(cache.stats).toEqual({ rebuilds: 1, patched: 1 });
  });

  it('sees a new subscription by re-reading only that account', () => {
    const { db, cache, seeded } = setup();
    cache.refresh();
    db.$client.prepare(`INSERT INTO subscriptions (id, account_id, plan_id, status, source, created_at, updated_at) VALUES ('sub_x', ?, 'vip', 'trialing', 'stripe', 1, 1)`)
      .run(seeded.accountIds[1]);

    const after = byId(cache);
    expect(direct(after.get(seeded.destinationIds[1] as string)).account?.subscriptions.map((s) => s.planId).sort()).toEqual(['pro', 'vip']);
    expect(direct(after.get(seeded.destinationIds[0] as string)).account?.subscriptions.map((s) => s.planId)).toEqual(['pro']);
    expect(cache.stats).toEqual({ rebuilds: 1, patched: 1 });
  });

  it('drops a destination once it is disabled or stops taking alerts, and takes it back when re-enabled', () => {
    const { db, cache, seeded } = setup();
    const [a, b] = seeded.destinationIds as [string, string];
    cache.refresh();
    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id = ?').run(a);
    db.$client.prepare(`UPDATE destinations SET content_kinds = '["snapshot"]' WHERE id = ?`).run(b);
    expect([...byId(cache).keys()]).toEqual([seeded.destinationIds[2]]);

    db.$client.prepare('UPDATE destinations SET enabled = 1 WHERE id = ?').run(a);
    expect([...byId(cache).keys()].sort()).toEqual([a, seeded.destinationIds[2]].sort());
    expect(cache.stats.rebuilds).toBe(1);
  });

  it('sees changed account settings and a cancelled subscription', () => {
    const { db, cache, seeded } = setup();
    cache.refresh();
    db.$client.prepare(`UPDATE accounts SET paused = 1, min_band = 'A' WHERE id = ?`).run(seeded.accountIds[0]);
    db.$client.prepare(`UPDATE subscriptions SET status = 'canceled' WHERE account_id = ?`).run(seeded.accountIds[2]);

    const after = byId(cache);
    expect(direct(after.get(seeded.destinationIds[0] as string)).account).toMatchObject({ paused: true, minBand: 'A' });
    expect(direct(after.get(seeded.destinationIds[2] as string)).account?.subscriptions[0]?.status).toBe('canceled');
  });

  it('carries a refund or dispute hold, so planning denies the held subscription', () => {
    const { db, cache, seeded } = setup();
    cache.refresh();
    db.$client.prepare(`UPDATE subscriptions SET access_revoked_at = 5000, access_revoked_reason = 'charge.refunded ch_1' WHERE account_id = ?`).run(seeded.accountIds[1]);
    const after = byId(cache);
    expect(direct(after.get(seeded.destinationIds[1] as string)).account?.subscriptions[0]).toMatchObject({ status: 'active', accessRevokedAt: 5000 });
    expect(direct(after.get(seeded.destinationIds[0] as string)).account?.subscriptions[0]?.accessRevokedAt).toBeNull();
  });

  it('moves a destination whose identity was linked to another account, sharing that account object', () => {
    const { db, cache, seeded } = setup();
    const [from, to] = seeded.accountIds as [string, string];
    cache.refresh();
    // Another platform's user (an account holds one identity per platform).
    db.$client.prepare("UPDATE identities SET account_id = ?, platform = 'telegram' WHERE id = ?").run(to, seeded.identityIds[0]);

    const after = byId(cache);
    const moved = direct(after.get(seeded.destinationIds[0] as string)).account;
    const sibling = direct(after.get(seeded.destinationIds[1] as string)).account;
    expect(moved?.id).toBe(to);
    expect(moved).toBe(sibling);
    expect(moved?.id).not.toBe(from);
  });

  it('sees a destination deleted and one added', () => {
    const { db, cache, seeded } = setup();
    cache.refresh();
    db.$client.prepare('DELETE FROM destinations WHERE id = ?').run(seeded.destinationIds[2]);
    const channel = seedChannel(db);
    expect([...byId(cache).keys()]).toEqual([seeded.destinationIds[0], seeded.destinationIds[1], channel.destinationId]);
  });

  it('sees changes committed by another connection to the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signalcast-cache-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `file:${join(dir, 'x.db')}`;
    const mine = openDatabase(url);
    const other = openDatabase(url, { migrate: false });
    cleanups.push(() => {
      mine.$client.close();
      other.$client.close();
    });
    const seeded = seedSubscribers(mine, { count: 2, planId: 'pro' });
    const cache = new CandidateCache(mine.$client);
    expect(cache.size).toBe(0);
    cache.refresh();
    seedSubscribers(other, { count: 1, planId: 'vip' });
    other.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id = ?').run(seeded.destinationIds[0]);

    const after = cache.candidates();
    expect(after).toHaveLength(2);
    expect(after.map((c) => direct(c).account?.subscriptions[0]?.planId)).toEqual(['pro', 'vip']);
  });

  it('rebuilds, with every change in, when another reader pruned log rows it had not seen', () => {
    const db = openMemoryDatabase();
    seedSubscribers(db, { count: 2, planId: 'pro' });
    const cache = new CandidateCache(db.$client);
    cache.refresh();
    const later = seedSubscribers(db, { count: 2, planId: 'vip' });
    // A reader whose clock is two hours ahead prunes every row but the newest.
    new CandidateCache(db.$client, { now: () => Date.now() + 7_200_000 }).refresh();
    expect(db.$client.prepare('SELECT COUNT(*) FROM planning_changes').pluck().get()).toBe(1);

    const after = byId(cache);
    expect(after.size).toBe(4);
    expect(direct(after.get(later.destinationIds[0] as string)).account?.subscriptions[0]?.planId).toBe('vip');
    expect(cache.stats.rebuilds).toBe(2);
  });

  it('rebuilds instead of patching when more changed than it patches', () => {
    const db = openMemoryDatabase();
    seedSubscribers(db, { count: 2, planId: 'pro' });
    const cache = new CandidateCache(db.$client, { maxPatch: 5 });
    cache.refresh();
    seedSubscribers(db, { count: 1, planId: 'pro' });
    expect(cache.size).toBe(2);
    cache.refresh();
    expect(cache.stats).toEqual({ rebuilds: 1, patched: 1 });
    seedSubscribers(db, { count: 10, planId: 'pro' });
    expect(cache.candidates()).toHaveLength(13);
    expect(cache.stats.rebuilds).toBe(2);
  });

  it('keeps nothing above maxCached and reads the same candidates in batches, then keeps them again once they fit', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 7, planId: 'pro' });
    const kept = new CandidateCache(db.$client).candidates();
    const cache = new CandidateCache(db.$client, { maxCached: 5, batchSize: 3 });

    const batches = [...cache.batches()].map((b) => [...b.candidates]);
    expect(cache.readsEachTime).toBe(true);
    expect(cache.size).toBe(0);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat()).toEqual(kept);
    const refs = db.$client.prepare('SELECT id, ref FROM destinations').raw().all() as [string, number][];
    for (const batch of cache.batches()) {
      for (const c of batch.candidates) expect(batch.refOf(c.destinationId)).toBe(refs.find(([id]) => id === c.destinationId)?.[1]);
    }

    db.$client.prepare('UPDATE destinations SET enabled = 0 WHERE id IN (?, ?, ?)').run(...seeded.destinationIds.slice(0, 3));
    expect(cache.candidates()).toHaveLength(4);
    expect(cache.readsEachTime).toBe(false);
    expect(cache.size).toBe(4);
  });

  it('stops keeping candidates when changes take it over maxCached', () => {
    const db = openMemoryDatabase();
    seedSubscribers(db, { count: 4, planId: 'pro' });
    const cache = new CandidateCache(db.$client, { maxCached: 5 });
    expect(cache.candidates()).toHaveLength(4);
    expect(cache.size).toBe(4);
    seedSubscribers(db, { count: 2, planId: 'pro' });
    expect(cache.candidates()).toHaveLength(6);
    expect(cache.readsEachTime).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('is kept up to date by triggers that the migrations create', () => {
    const db = openMemoryDatabase();
    const triggers = db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'planning_%' ORDER BY name`).pluck().all();
    expect(triggers).toEqual([
      'planning_account_deleted', 'planning_account_updated', 'planning_destination_deleted', 'planning_destination_inserted',
      'planning_destination_updated', 'planning_identity_deleted', 'planning_identity_updated', 'planning_subscription_deleted',
      'planning_subscription_inserted', 'planning_subscription_updated',
    ]);
  });
});
