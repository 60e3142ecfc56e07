import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { publishSignal } from '../../core/publishing/publish-signal';
import { publishSignalUpdate } from '../../core/publishing/publish-update';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { sqlitePublishing } from './signal-service';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const SIGNAL = { publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'] };

let db: Db;
let clock: FakeClock;
let publishing: ReturnType<typeof sqlitePublishing>;

interface Row { destination: string; kind: string; state: string; cap_day: string | null; cap_account_id: string | null; skip_reason: string | null; updated_at: number }

/** Every delivery of the signal (content_type 'signal') and its updates, by destination and kind. */
function rows(): Row[] {
  return db.$client.prepare(`SELECT dest.id AS destination, d.kind, d.state, d.cap_day, d.cap_account_id, d.skip_reason, d.updated_at FROM deliveries d
    JOIN destinations dest ON dest.ref = d.destination_ref ORDER BY dest.id, d.kind`).all() as Row[];
}

const rowOf = (destination: string, kind: string) => rows().find((r) => r.destination === destination && r.kind === kind);

const setState = (destination: string, kind: string, state: string) => db.$client.prepare(`UPDATE deliveries SET state = ?
  WHERE kind = ? AND destination_ref = (SELECT ref FROM destinations WHERE id = ?)`).run(state, kind, destination);

/** A free-plan subscriber (delayed alert, counted toward the daily cap) and pro subscribers (real time, with rationales). */
function publishToEveryone() {
  const free = seedSubscribers(db, { count: 1, planId: 'free', now: NOON }).destinationIds[0]!;
  const [proSent, proSending, proPending, proHeld] = seedSubscribers(db, { count: 4, planId: 'pro', now: NOON }).destinationIds as [string, string, string, string];
  publishing.candidates.refresh();
  const { signal } = publishSignal(publishing, SIGNAL, { publishedBy: 'cli' });
  setState(proSent, 'alert', 'sent');
  setState(proSent, 'rationale', 'sent');
  setState(proSending, 'alert', 'sending');
  setState(proHeld, 'alert', 'held');
  setState(proPending, 'rationale', 'pending');
  return { signal, free, proSent, proSending, proPending, proHeld };
}

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock(NOON);
  publishing = sqlitePublishing({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, rationales: true });
});

describe('a stop or close supersedes what of its signal has not gone', () => {
  it('supersedes the pending and held alerts and the waiting and pending rationales, not the sent or sending ones, and plans the stop only where the alert went', () => {
    const { signal, free, proSent, proSending, proPending, proHeld } = publishToEveryone();
    clock.set(NOON + MINUTE);

    const outcome = publishSignalUpdate(publishing, signal.id, { kind: 'stopped', price: 95 });

    expect(outcome).toMatchObject({ planned: 2, superseded: 6 });
    const reason = 'stopped:update#1';
    const superseded = { state: 'superseded', skip_reason: reason, updated_at: NOON + MINUTE };
    expect(rowOf(free, 'alert')).toMatchObject(superseded);
    expect(rowOf(proPending, 'alert')).toMatchObject(superseded);
    expect(rowOf(proHeld, 'alert')).toMatchObject(superseded);
    expect(rowOf(proPending, 'rationale')).toMatchObject(superseded);
    expect(rowOf(proSending, 'rationale')).toMatchObject(superseded);
    expect(rowOf(proHeld, 'rationale')).toMatchObject(superseded);
    expect(rowOf(proSent, 'alert')).toMatchObject({ state: 'sent' });
    expect(rowOf(proSent, 'rationale')).toMatchObject({ state: 'sent' });
    expect(rowOf(proSending, 'alert')).toMatchObject({ state: 'sending' });
    expect(rows().filter((r) => r.kind === 'update').map((r) => r.destination).sort()).toEqual([proSending, proSent].sort());
  });

  it('clears a superseded alert\'s cap fields, so it no longer counts toward the daily cap', () => {
    const { signal, free } = publishToEveryone();
    expect(rowOf(free, 'alert')).toMatchObject({ state: 'pending', cap_day: '2026-01-15', cap_account_id: expect.stringMatching(/./) });

    publishSignalUpdate(publishing, signal.id, { kind: 'stopped' });

    expect(rowOf(free, 'alert')).toMatchObject({ state: 'superseded', cap_day: null, cap_account_id: null });
    expect(db.$client.prepare('SELECT count(*) FROM deliveries WHERE cap_day IS NOT NULL').pluck().get()).toBe(0);
  });

  it('supersedes likewise on a close', () => {
    const { signal, free, proPending } = publishToEveryone();
    const outcome = publishSignalUpdate(publishing, signal.id, { kind: 'closed', resultPct: 2.5 });
    expect(outcome).toMatchObject({ planned: 2, superseded: 6 });
    expect(rowOf(free, 'alert')).toMatchObject({ state: 'superseded', skip_reason: 'closed:update#1', cap_day: null });
    expect(rowOf(proPending, 'alert')).toMatchObject({ state: 'superseded', skip_reason: 'closed:update#1' });
  });

  it('supersedes nothing on a target hit, which is planned where the alert is pending, held, sending or sent', () => {
    const { signal, free, proSent, proSending, proPending, proHeld } = publishToEveryone();
    const before = rows();

    const outcome = publishSignalUpdate(publishing, signal.id, { kind: 'target_hit', targetIndex: 1, price: 110 });

    expect(outcome).toMatchObject({ planned: 5, superseded: 0 });
    expect(rows().filter((r) => r.kind !== 'update')).toEqual(before);
    expect(rows().filter((r) => r.kind === 'update').map((r) => r.destination).sort()).toEqual([free, proSent, proSending, proPending, proHeld].sort());
  });

  it('changes nothing more on a replay and reports the first counts; a later close supersedes nothing left', () => {
    const { signal } = publishToEveryone();
    const first = publishSignalUpdate(publishing, signal.id, { kind: 'stopped', publisherUpdateId: 'u-1' });
    const after = rows();
    clock.set(NOON + 5 * MINUTE);

    const replay = publishSignalUpdate(publishing, { publisherId: 'p-1' }, { kind: 'stopped', publisherUpdateId: 'u-1' });

    expect(replay).toEqual({ ...first, duplicate: true });
    expect([first.planned, first.superseded]).toEqual([2, 6]);
    expect(rows()).toEqual(after);
    const close = publishSignalUpdate(publishing, signal.id, { kind: 'closed', resultPct: 1, publisherUpdateId: 'u-2' });
    expect(close).toMatchObject({ planned: 2, superseded: 0 });
    expect(publishSignalUpdate(publishing, signal.id, { kind: 'closed', resultPct: 1, publisherUpdateId: 'u-2' })).toMatchObject({ duplicate: true, superseded: 0 });
    expect(publishSignalUpdate(publishing, signal.id, { kind: 'stopped', publisherUpdateId: 'u-1' })).toMatchObject({ duplicate: true, superseded: 6 });
  });

  it('cancels the signal\'s planning job while it is still planning, and leaves a done one done', () => {
    const { signal } = publishToEveryone();
    const { signal: other } = publishSignal(publishing, { ...SIGNAL, publisherId: 'p-2' }, { publishedBy: 'cli' });
    const job = db.$client.prepare(`INSERT INTO planning_jobs (signal_ref, state, cursor, candidates, planned, skipped, created_at, updated_at)
      VALUES ((SELECT ref FROM signals WHERE id = ?), ?, 3, 10, 3, 0, ?, ?)`);
    job.run(signal.id, 'planning', NOON, NOON);
    job.run(other.id, 'done', NOON, NOON);
    clock.set(NOON + MINUTE);

    publishSignalUpdate(publishing, signal.id, { kind: 'stopped' });
    publishSignalUpdate(publishing, other.id, { kind: 'closed', resultPct: 1 });

    const jobs = db.$client.prepare('SELECT s.id, j.state, j.updated_at FROM planning_jobs j JOIN signals s ON s.ref = j.signal_ref ORDER BY s.id').all();
    expect(jobs).toEqual(expect.arrayContaining([
      { id: signal.id, state: 'cancelled', updated_at: NOON + MINUTE },
      { id: other.id, state: 'done', updated_at: NOON },
    ]));
  });

  it('leaves another signal\'s unsent alerts alone', () => {
    const { signal, proPending } = publishToEveryone();
    const { signal: other } = publishSignal(publishing, { ...SIGNAL, publisherId: 'p-2' }, { publishedBy: 'cli' });
    publishSignalUpdate(publishing, signal.id, { kind: 'stopped' });
    const otherAlert = db.$client.prepare(`SELECT state FROM deliveries WHERE kind = 'alert' AND content_ref = (SELECT ref FROM signals WHERE id = ?)
      AND destination_ref = (SELECT ref FROM destinations WHERE id = ?)`).pluck().get(other.id, proPending);
    expect(otherAlert).toBe('pending');
  });
});
