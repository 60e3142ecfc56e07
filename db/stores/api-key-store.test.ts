import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase } from '../client';
import { hashApiKey, SqliteApiKeyStore } from './api-key-store';

function setup() {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  return { db, clock, keys: new SqliteApiKeyStore({ db, clock }) };
}

describe('SqliteApiKeyStore', () => {
  it('makes a key shaped sc_<base62> and stores only its hash and prefix', () => {
    const { db, keys } = setup();
    const created = keys.create('quant engine');
    expect(created.key).toMatch(/^sc_[0-9A-Za-z]{32,}$/);
    expect(created.prefix).toBe(created.key.slice(0, 11));
    const rows = db.$client.prepare('select * from api_keys').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(rows)).not.toContain(created.key);
  });

  it('makes a different key every time', () => {
    const { keys } = setup();
    const a = keys.create('a');
    const b = keys.create('b');
    expect(a.key).not.toBe(b.key);
    expect(a.id).not.toBe(b.id);
  });

  it('refuses an empty name', () => {
    const { keys } = setup();
    expect(() => keys.create('  ')).toThrow(/name/);
  });

  it('verifies a live key and records when it was last used at the next flush, not per request', async () => {
    const { db, keys, clock } = setup();
    const created = keys.create('engine');
    await clock.advance(60_000);
    const changesBefore = db.$client.prepare('select total_changes() as n').get() as { n: number };
    const found = keys.verify(created.key);
    expect(keys.verify(created.key)?.id).toBe(created.id);
    expect(found?.id).toBe(created.id);
    expect(found?.lastUsedAt?.getTime()).toBe(clock.now());
    expect(db.$client.prepare('select total_changes() as n').get()).toEqual(changesBefore);
    expect(keys.list()[0]!.lastUsedAt).toBeNull();
    expect(keys.flushLastUsed()).toBe(1);
    expect(keys.list()[0]!.lastUsedAt?.getTime()).toBe(clock.now());
    expect(keys.flushLastUsed()).toBe(0);
  });

  it('keeps last uses in memory when a flush fails, and writes them at the next one', async () => {
    const { db, keys, clock } = setup();
    const created = keys.create('engine');
    await clock.advance(1_000);
    keys.verify(created.key);
    db.$client.pragma('query_only = ON');
    expect(() => keys.flushLastUsed()).toThrow();
    db.$client.pragma('query_only = OFF');
    expect(keys.flushLastUsed()).toBe(1);
    expect(keys.list()[0]!.lastUsedAt?.getTime()).toBe(clock.now());
  });

  it('never moves last use backwards when another process wrote a later one', async () => {
    const { db, keys, clock } = setup();
    const created = keys.create('engine');
    keys.verify(created.key);
    const later = clock.now() + 60_000;
    db.$client.prepare('update api_keys set last_used_at = ?').run(later);
    keys.flushLastUsed();
    expect(keys.list()[0]!.lastUsedAt?.getTime()).toBe(later);
  });

  it('rejects an unknown key, a near miss and a malformed one', () => {
    const { keys } = setup();
    const created = keys.create('engine');
    const last = created.key.at(-1) === 'a' ? 'b' : 'a';
    expect(keys.verify(created.key.slice(0, -1) + last)).toBeNull();
    expect(keys.verify(`sc_${'x'.repeat(40)}`)).toBeNull();
    expect(keys.verify('')).toBeNull();
    expect(keys.verify(created.prefix)).toBeNull();
  });

  it('lists keys without the key itself', () => {
    const { keys } = setup();
    const created = keys.create('engine');
    const listed = keys.list();
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: 'engine', prefix: created.prefix, revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('revokes by id or by prefix, after which the key no longer verifies', () => {
    const { keys } = setup();
    const a = keys.create('a');
    const b = keys.create('b');
    expect(keys.revoke(a.id).revokedAt).not.toBeNull();
    expect(keys.revoke(b.prefix).id).toBe(b.id);
    expect(keys.verify(a.key)).toBeNull();
    expect(keys.verify(b.key)).toBeNull();
    expect(keys.list().every((k) => k.revokedAt !== null)).toBe(true);
  });

  it('leaves an already revoked key as it was and says so', async () => {
    const { keys, clock } = setup();
    const a = keys.create('a');
    const first = keys.revoke(a.id);
    await clock.advance(60_000);
    const again = keys.revoke(a.prefix);
    expect(first.alreadyRevoked).toBe(false);
    expect(again).toEqual(expect.objectContaining({ id: a.id, alreadyRevoked: true, revokedAt: first.revokedAt }));
    expect(keys.list()[0]!.revokedAt).toEqual(first.revokedAt);
  });

  it('says which key it cannot find', () => {
    const { keys } = setup();
    expect(() => keys.revoke('key_nope')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('refuses a prefix shared by several keys', () => {
    const { db, keys } = setup();
    const a = keys.create('a');
    const b = keys.create('b');
    db.$client.prepare('update api_keys set prefix = ? where id = ?').run(a.prefix, b.id);
    expect(() => keys.revoke(a.prefix)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(keys.verify(a.key)).not.toBeNull();
  });
});
