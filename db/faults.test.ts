import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { BusyGate, DatabaseUnavailableError, probeWritable, toDatabaseFault } from './faults';

let dir: string | undefined;
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function twoConnections(): [Database.Database, Database.Database] {
  dir = mkdtempSync(join(tmpdir(), 'signalcast-faults-'));
  const path = join(dir, 'x.db');
  const a = new Database(path);
  a.pragma('journal_mode = WAL');
  a.pragma('busy_timeout = 200');
  a.exec('create table t (x)');
  const b = new Database(path);
  open.push(a, b);
  return [a, b];
}

describe('toDatabaseFault', () => {
  it('tells busy, full and unwritable apart from bugs', () => {
    expect(toDatabaseFault({ code: 'SQLITE_BUSY' })).toBe('busy');
    expect(toDatabaseFault({ code: 'SQLITE_BUSY_SNAPSHOT' })).toBe('busy');
    expect(toDatabaseFault({ code: 'SQLITE_FULL' })).toBe('full');
    expect(toDatabaseFault({ code: 'SQLITE_READONLY_DBMOVED' })).toBe('unwritable');
    expect(toDatabaseFault({ code: 'SQLITE_IOERR_WRITE' })).toBe('unwritable');
    expect(toDatabaseFault({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBeUndefined();
    expect(toDatabaseFault(new Error('boom'))).toBeUndefined();
  });
});

describe('BusyGate', () => {
  it('turns a busy write into DatabaseUnavailableError, then fails fast (no busy wait) until the quiet period ends', async () => {
    const [a, b] = twoConnections();
    const clock = new FakeClock(1_000);
    const gate = new BusyGate(a, () => clock.now(), 1_000);
    b.exec('BEGIN IMMEDIATE');
    const timeouts: number[] = [];
    const write = () => {
      timeouts.push(a.pragma('busy_timeout', { simple: true }) as number);
      a.prepare('insert into t values (1)').run();
    };
    expect(() => gate.run(write)).toThrow(DatabaseUnavailableError);
    expect(() => gate.run(write)).toThrow(expect.objectContaining({ code: 'unavailable', kind: 'busy', retryAfterSeconds: 1 }));
    await clock.advance(1_001);
    expect(() => gate.run(write)).toThrow(DatabaseUnavailableError);
    expect(timeouts).toEqual([200, 0, 200]);
    expect(a.pragma('busy_timeout', { simple: true })).toBe(200);
    b.exec('ROLLBACK');
    gate.run(write);
    expect(a.prepare('select count(*) as n from t').get()).toEqual({ n: 1 });
  });

  it('lets other errors through as they are', () => {
    const [a] = twoConnections();
    const gate = new BusyGate(a, () => 0);
    expect(() => gate.run(() => a.exec('insert into nope values (1)'))).toThrow(/no such table/);
  });
});

describe('probeWritable', () => {
  it('says ok, busy or unwritable without waiting, and leaves the busy timeout as it was', () => {
    const [a, b] = twoConnections();
    expect(probeWritable(a)).toBe('ok');
    b.exec('BEGIN IMMEDIATE');
    expect(probeWritable(a)).toBe('the database is busy (another connection holds the write lock)');
    b.exec('ROLLBACK');
    a.pragma('query_only = ON');
    expect(probeWritable(a)).toBe('the database cannot be written');
    expect(a.pragma('busy_timeout', { simple: true })).toBe(200);
  });
});
