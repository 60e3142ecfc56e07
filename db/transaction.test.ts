// The publishing transaction on a real SQLite file: immediate, all or nothing, and a replayable commit that does not wait for the disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './client';
import { SqliteTransaction } from './transaction';

const FULL = 2;
const NORMAL = 1;

describe('SqliteTransaction', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function open(): { db: Db; reader: Db } {
    const dir = mkdtempSync(join(tmpdir(), 'sc-tx-'));
    const url = `file:${join(dir, 'db.sqlite')}`;
    const db = openDatabase(url);
    const reader = openDatabase(url, { migrate: false });
    cleanups.push(() => {
      reader.$client.close();
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    });
    db.$client.exec('CREATE TABLE t (v INTEGER)');
    return { db, reader };
  }

  const synchronous = (db: Db) => db.$client.pragma('synchronous', { simple: true });
  const values = (db: Db) => db.$client.prepare('SELECT v FROM t ORDER BY v').pluck().all();

  it('commits a replayable transaction with synchronous NORMAL (written to the log, not flushed), then flushes every commit again', () => {
    const { db, reader } = open();
    const tx = new SqliteTransaction(db.$client, Date.now);
    expect(synchronous(db)).toBe(FULL);
    const inside = tx.run(() => {
      db.$client.prepare('INSERT INTO t VALUES (1)').run();
      return synchronous(db);
    }, { replayable: true });
    expect(inside).toBe(NORMAL);
    expect(synchronous(db)).toBe(FULL);
    // Committed: another connection reads it.
    expect(values(reader)).toEqual([1]);
    expect(tx.run(() => synchronous(db))).toBe(FULL);
  });

  it('rolls a failed replayable transaction back whole and still restores synchronous FULL', () => {
    const { db, reader } = open();
    const tx = new SqliteTransaction(db.$client, Date.now);
    expect(() => tx.run(() => {
      db.$client.prepare('INSERT INTO t VALUES (2)').run();
      throw new Error('chunk failed');
    }, { replayable: true })).toThrow('chunk failed');
    expect(synchronous(db)).toBe(FULL);
    expect(values(db)).toEqual([]);
    expect(values(reader)).toEqual([]);
  });
});
