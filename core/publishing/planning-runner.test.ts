import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/client';
import { SqlitePlanningJobs } from '../../db/stores/planning-jobs';
import { sqlitePublishing } from '../../db/stores/signal-service';
import { seedSubscribers } from '../../db/testing/seed';
import { FakeClock } from '../clock';
import { DEFAULT_PLANS } from '../plans/default-plans';
import { FIRST_CHUNK_SIZE, planChunk } from './plan-chunk';
import { CHUNK_TARGET_MS, MIN_CHUNK_SIZE, PlanningRunner } from './planning-runner';
import type { PublishingDeps } from './ports';
import { publishSignal } from './publish-signal';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const CHUNK = 7;

let dir: string;
let url: string;
const open: Db[] = [];
let clock: FakeClock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sc-planning-'));
  url = `file:${join(dir, 'signalcast.db')}`;
  clock = new FakeClock(NOON);
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.$client.open) db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One process's view of the database file: its own connection, publishing ports and runner. */
function processOn(options: { yieldNow?: () => Promise<void> } = {}) {
  const db = openDatabase(url);
  open.push(db);
  const deps: PublishingDeps = { ...sqlitePublishing({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }), chunkSize: CHUNK };
  const chunks: string[] = [];
  const runner = new PlanningRunner({ ...deps, onChunk: (c) => chunks.push(c.state), yieldNow: options.yieldNow });
  const sqlite = db.$client;
  return {
    db, deps, runner, chunks, jobs: new SqlitePlanningJobs(sqlite),
    alertRows: (signalRef: number) => sqlite.prepare<[number], { destination_ref: number; state: string }>(
      `SELECT destination_ref, state FROM deliveries WHERE content_ref = ? AND kind = 'alert' ORDER BY destination_ref`).all(signalRef),
    refOf: (signalId: string) => sqlite.prepare<[string], number>('SELECT ref FROM signals WHERE id = ?').pluck().get(signalId) as number,
    audit: (action: string) => sqlite.prepare<[string], string>('SELECT data FROM audit_events WHERE action = ?').pluck().all(action).map((d) => JSON.parse(d) as Record<string, unknown>),
  };
}

let n = 0;
const signal = (fields: Record<string, unknown> = {}) => ({
  publisherId: `plan-${++n}`, symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.85, reasons: ['breakout'], ...fields,
});

/** 52 candidates; the 10 in the middle turned direct messages off (excluded: no row). */
function seed(db: Db): { paidRefs: number[] } {
  seedSubscribers(db, { count: 30, planId: 'pro', now: NOON });
  seedSubscribers(db, { count: 10, planId: 'pro', now: NOON, settings: { directMessages: false } });
  seedSubscribers(db, { count: 12, planId: 'pro', now: NOON });
  const paidRefs = db.$client.prepare<[], number>(`SELECT d.ref FROM destinations d JOIN identities i ON i.id = d.identity_id
    JOIN accounts a ON a.id = i.account_id WHERE a.direct_messages = 1 ORDER BY d.ref`).pluck().all();
  return { paidRefs };
}

describe('chunked planning', () => {
  it('resumes from its cursor after a crash between chunks: a new runner on the same file plans exactly the rest', async () => {
    const first = processOn();
    const { paidRefs } = seed(first.db);
    const out = publishSignal(first.deps, signal(), { publishedBy: 'cli' });
    expect(out).toMatchObject({ candidates: 52, planning: 'in_progress', planned: CHUNK, skipped: 0 });
    const ref = first.refOf(out.signal.id);
    // Two chunks after the publish's, then the process dies (its connection closes mid-job).
    expect(first.runner.runChunk()).toBe(true);
    expect(first.runner.runChunk()).toBe(true);
    const atCrash = first.jobs.get(ref);
    expect(atCrash).toMatchObject({ state: 'planning', cursor: 21, planned: 3 * CHUNK });
    expect(first.alertRows(ref)).toHaveLength(3 * CHUNK);
    first.db.$client.close();

    const second = processOn();
    second.runner.start();
    await until(() => second.jobs.get(ref)?.state === 'done');
    await second.runner.stop();

    const rows = second.alertRows(ref);
    expect(rows.map((r) => r.destination_ref)).toEqual(paidRefs);
    expect(new Set(rows.map((r) => r.destination_ref)).size).toBe(rows.length);
    expect(second.jobs.get(ref)).toMatchObject({ state: 'done', cursor: 52, candidates: 52, planned: 42, skipped: 0, excluded: { direct_messages_off: 10 } });
    // The chunks after the crash: 52 candidates in chunks of 7 are 8 chunks, 3 planned before it.
    expect(second.chunks).toEqual(['planning', 'planning', 'planning', 'planning', 'done']);
    expect(second.audit('signal.planned')).toEqual([{ candidates: 52, planned: 42, skipped: 0, excluded: { direct_messages_off: 10 } }]);
    // A replay answers the job's counts.
    expect(publishSignal(second.deps, signal({ publisherId: out.signal.publisherId }), { publishedBy: 'cli' }))
      .toMatchObject({ duplicate: true, planned: 42, skipped: 0, candidates: 52, planning: 'done' });
  });

  it('a chunk run again (committed, but the cursor in hand had not moved) writes nothing twice', () => {
    const p = processOn();
    const { paidRefs } = seed(p.db);
    const out = publishSignal(p.deps, signal(), { publishedBy: 'cli' });
    const ref = p.refOf(out.signal.id);
    const stored = p.deps.store.findByRef(ref);
    if (!stored) throw new Error('the signal was not stored');
    const cursor = p.jobs.get(ref)?.cursor ?? -1;
    const once = p.deps.transaction.run(() => planChunk(p.deps, stored, cursor));
    const rowsOnce = p.alertRows(ref);
    const again = p.deps.transaction.run(() => planChunk(p.deps, stored, cursor));
    expect(again.lastRef).toBe(once.lastRef);
    expect(p.alertRows(ref)).toEqual(rowsOnce);
    // Even the publish's own first chunk, run again from 0.
    p.deps.transaction.run(() => planChunk(p.deps, stored, 0));
    expect(p.alertRows(ref)).toEqual(rowsOnce);

    while (p.runner.runChunk());
    expect(p.alertRows(ref).map((r) => r.destination_ref)).toEqual(paidRefs);
  });

  it('plans nothing more for a cancelled job (a stop or close came first)', () => {
    const p = processOn();
    seed(p.db);
    const out = publishSignal(p.deps, signal(), { publishedBy: 'cli' });
    const ref = p.refOf(out.signal.id);
    expect(p.runner.runChunk()).toBe(true);
    expect(p.jobs.cancel(ref, clock.now())).toBe(true);
    expect(p.runner.runChunk()).toBe(false);
    expect(p.alertRows(ref)).toHaveLength(2 * CHUNK);
    expect(p.jobs.get(ref)).toMatchObject({ state: 'cancelled', cursor: 14 });
    expect(p.audit('signal.planned')).toEqual([]);
  });

  it('plans the newest waiting job first', () => {
    const p = processOn();
    seed(p.db);
    const older = p.refOf(publishSignal(p.deps, signal(), { publishedBy: 'cli' }).signal.id);
    const newer = p.refOf(publishSignal(p.deps, signal(), { publishedBy: 'cli' }).signal.id);
    p.runner.runChunk();
    expect(p.jobs.get(newer)?.cursor).toBe(2 * CHUNK);
    expect(p.jobs.get(older)?.cursor).toBe(CHUNK);
    while (p.runner.runChunk());
    expect(p.jobs.get(older)?.state).toBe('done');
    expect(p.alertRows(older)).toHaveLength(42);
  });

  it('at stop finishes the chunk in hand and plans no more; the next start resumes', async () => {
    let stopped: Promise<void> | undefined;
    let turns = 0;
    const p = processOn({
      yieldNow: async () => {
        // Between chunks, after the second: the service stops.
        if (++turns === 3) stopped = p.runner.stop();
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    seed(p.db);
    const ref = p.refOf(publishSignal(p.deps, signal(), { publishedBy: 'cli' }).signal.id);
    p.runner.start();
    await until(() => stopped !== undefined);
    await stopped;
    expect(p.jobs.get(ref)).toMatchObject({ state: 'planning', cursor: 3 * CHUNK });
    expect(p.alertRows(ref)).toHaveLength(3 * CHUNK);

    p.runner.start();
    await until(() => p.jobs.get(ref)?.state === 'done');
    expect(p.alertRows(ref)).toHaveLength(42);
  });

  it('sizes each chunk to take about CHUNK_TARGET_MS at the last one\'s pace: smaller at once after a slow one, at most twice as large after a fast one', () => {
    const db = openDatabase(url);
    open.push(db);
    const max = 1_000;
    const deps: PublishingDeps = { ...sqlitePublishing({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }), chunkSize: max };
    seedSubscribers(db, { count: 3_000, planId: 'pro', now: NOON });
    // Each chunk takes what the script says, whatever it really took (the clock is read at a chunk's start and end).
    const took = [4 * CHUNK_TARGET_MS, CHUNK_TARGET_MS / 10, CHUNK_TARGET_MS / 10, CHUNK_TARGET_MS, 100 * CHUNK_TARGET_MS, CHUNK_TARGET_MS];
    let now = 0;
    let reads = 0;
    const runner = new PlanningRunner({ ...deps, elapsedMs: () => (reads++ % 2 === 1 ? (now += took.shift() ?? CHUNK_TARGET_MS) : now) });
    const sizes = [runner.nextChunkSize];
    publishSignal(deps, signal(), { publishedBy: 'cli' });
    const planned = () => db.$client.prepare("SELECT count(*) FROM deliveries WHERE kind = 'alert'").pluck().get() as number;
    let before = planned();
    const chunkSizes: number[] = [];
    while (runner.runChunk()) {
      chunkSizes.push(planned() - before);
      before = planned();
      sizes.push(runner.nextChunkSize);
    }
    // Starts at the publish's first chunk; a chunk 4x too slow gives a quarter; fast ones double (up to chunkSize); one at
    // the target keeps its size; a very slow one gives the least.
    expect(sizes.slice(0, 6)).toEqual([FIRST_CHUNK_SIZE, FIRST_CHUNK_SIZE / 4, FIRST_CHUNK_SIZE / 2, FIRST_CHUNK_SIZE, FIRST_CHUNK_SIZE, MIN_CHUNK_SIZE]);
    expect(chunkSizes.slice(0, 5)).toEqual(sizes.slice(0, 5));
    // Every candidate planned once, whatever the sizes (the built-in plans' channels too).
    expect(planned()).toBeGreaterThanOrEqual(3_000);
    expect(db.$client.prepare("SELECT count(DISTINCT destination_ref) FROM deliveries WHERE kind = 'alert'").pluck().get()).toBe(planned());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(max);
  });
});

/** Polls on the event loop (the runner yields between chunks). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (done()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('timed out');
}
