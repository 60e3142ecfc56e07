import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, openDatabase, type Db } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';
import { createHarness, validSignal, type Harness } from './testing/harness';

let h: Harness | undefined;
let dir: string | undefined;
let other: Database.Database | undefined;
afterEach(async () => {
  other?.close();
  await h?.app.close();
  h?.db.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  other = undefined;
  dir = undefined;
});

async function fileHarness(): Promise<{ h: Harness; db: Db; path: string }> {
  dir = mkdtempSync(join(tmpdir(), 'signalcast-faults-'));
  const path = join(dir, 'signalcast.db');
  const db = openDatabase(`file:${path}`);
  h = await createHarness({ db });
  return { h, db, path };
}

const count = (db: Db, table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const readyz = async (harness: Harness) => {
  const res = await harness.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, database: res.json<{ checks: Record<string, string> }>().checks.database };
};

describe('ingest and /readyz when the database cannot take a write', () => {
  it('answers 503 with Retry-After while another connection holds the write lock, stores nothing, and takes the retry once it is released', async () => {
    const { h, db, path } = await fileHarness();
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    seedSubscribers(db, { count: 3, planId: 'pro' });
    other = new Database(path);
    other.exec('BEGIN IMMEDIATE');

    const refused = await h.post('/v1/signals', validSignal());
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({ error: { code: 'unavailable', message: 'the database is busy (another connection holds the write lock); try again later' } });
    // A second request while the lock is still held fails the same way (fast: no busy wait after the first).
    expect((await h.post('/v1/signals/sig_x/updates', { kind: 'stopped' })).statusCode).toBe(503);
    expect(await readyz(h)).toEqual({ status: 503, database: 'the database is busy (another connection holds the write lock)' });
    expect(h.logger.records.filter((r) => r.msg === 'database unavailable; answered 503')).toHaveLength(2);

    other.exec('ROLLBACK');
    expect(count(db, 'signals')).toBe(0);
    expect(count(db, 'deliveries')).toBe(0);
    expect(await readyz(h)).toEqual({ status: 200, database: 'ok' });
    const retried = await h.post('/v1/signals', validSignal());
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ duplicate: false, planned: 3 });
    expect(count(db, 'deliveries')).toBe(3);
  });

  it('answers 503 when the database is full, /readyz names it, and both recover when there is room again', async () => {
    const { h, db } = await fileHarness();
    seedSubscribers(db, { count: 400, planId: 'pro' });
    db.$client.exec('VACUUM');
    const pages = db.$client.pragma('page_count', { simple: true }) as number;
    db.$client.pragma(`max_page_count = ${pages}`);

    const refused = await h.post('/v1/signals', validSignal());
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringContaining('full') } });
    expect(await readyz(h)).toEqual({ status: 503, database: 'the database or its disk is full' });
    expect(count(db, 'signals')).toBe(0);

    db.$client.pragma(`max_page_count = ${pages * 10}`);
    expect(await readyz(h)).toEqual({ status: 200, database: 'ok' });
    expect((await h.post('/v1/signals', validSignal())).json()).toMatchObject({ duplicate: false, planned: 400 });
  });

  it('answers 503 when the database cannot be written, and recovers by itself when it can', async () => {
    const { h, db } = await fileHarness();
    db.$client.pragma('query_only = ON');
    const refused = await h.post('/v1/signals', validSignal());
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 'unavailable', message: 'the database cannot be written; try again later' } });
    expect(await readyz(h)).toEqual({ status: 503, database: 'the database cannot be written' });

    db.$client.pragma('query_only = OFF');
    expect(await readyz(h)).toEqual({ status: 200, database: 'ok' });
    expect((await h.post('/v1/signals', validSignal())).statusCode).toBe(202);
    expect(count(db, 'signals')).toBe(1);
  });

  it('writes no last_used_at per request, even for throttled ones, and flushes them at close', async () => {
    const harness = await createHarness({ ratePerMinute: 1 });
    h = harness;
    const changes = () => (harness.db.$client.prepare('select total_changes() as n').get() as { n: number }).n;
    const before = changes();
    expect((await harness.post('/v1/signals', 'not json')).statusCode).toBe(400);
    expect((await harness.post('/v1/signals', validSignal())).statusCode).toBe(429);
    expect(changes()).toBe(before);
    await harness.app.close();
    expect(harness.db.$client.prepare('select last_used_at as t from api_keys').get()).toEqual({ t: harness.clock.now() });
  });
});
