import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { recordingLogger } from '../core/testing/logger';
import { openDatabase, type Db } from './client';
import { startCheckpointer } from './checkpointer';
import { until } from '../core/testing/until';

describe('startCheckpointer', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanups.splice(0)) f();
  });

  function fileDb(): { db: Db; path: string } {
    const dir = mkdtempSync(join(tmpdir(), 'signalcast-ckpt-'));
    const path = join(dir, 'x.db');
    const db = openDatabase(`file:${path}`, { migrate: false });
    cleanups.push(() => {
      if (db.$client.open) db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    });
    db.$client.exec('CREATE TABLE blobs (b BLOB)');
    return { db, path };
  }

  const writeMegabytes = (db: Db, n: number) => {
    const insert = db.$client.prepare('INSERT INTO blobs VALUES (randomblob(65536))');
    for (let i = 0; i < n * 16; i++) insert.run();
  };

  it('copies committed pages into the database file from its own thread, with the connection\'s own checkpoints off', async () => {
    const { db, path } = fileDb();
    const checkpointer = startCheckpointer({ path, connection: db.$client, everyMs: 20, logger: silentLogger });
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeMegabytes(db, 8);

    expect(await until(() => statSync(path).size >= 8 * 1024 * 1024, 'the pages copied into the database file')).toBe(true);
    await checkpointer.stop();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('leaves the log alone without it (the connection\'s checkpoints off), which is what it is for', () => {
    const { db, path } = fileDb();
    db.$client.pragma('wal_autocheckpoint = 0');
    writeMegabytes(db, 8);
    expect(statSync(path).size).toBeLessThan(1024 * 1024);
    expect(statSync(`${path}-wal`).size).toBeGreaterThanOrEqual(8 * 1024 * 1024);
  });

  it('turns the connection\'s own checkpoints back on when the worker cannot open the database', async () => {
    const { db, path } = fileDb();
    const logger = recordingLogger();
    startCheckpointer({ path: `${path}.missing`, connection: db.$client, everyMs: 20, logger });
    expect(await until(() => db.$client.pragma('wal_autocheckpoint', { simple: true }) === 1000, 'automatic checkpoints back on')).toBe(true);
    expect(logger.records.filter((r) => r.level === 'warn' || r.level === 'error').map((r) => String(r.msg)).join('\n')).toMatch(/checkpoint worker/);
  });
});
