import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, PAGE_CACHE_KIB, toSqlitePath } from './client';

describe('openDatabase', () => {
  it('creates the file, applies the migrations and runs in WAL with synchronous=FULL and a page cache of PAGE_CACHE_KIB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-db-'));
    const db = openDatabase(`file:${join(dir, 'nested', 'sc.db')}`);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.$client.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    const tables = db.$client.prepare("select name from sqlite_master where type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['signals', 'deliveries', 'accounts', 'api_keys', 'stripe_events']));
    db.$client.close();
  });

  it('applying the migrations twice changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-db-'));
    const url = `file:${join(dir, 'sc.db')}`;
    openDatabase(url).$client.close();
    const db = openDatabase(url);
    const applied = db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBeGreaterThan(0);
    db.$client.close();
  });

  it('refuses a URL that is not a SQLite file', () => {
    expect(() => toSqlitePath('postgres://u:p@localhost/db')).toThrow(/DATABASE_URL must be a SQLite file/);
  });
});
