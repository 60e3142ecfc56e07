// Pruning on real SQLite with a fake clock: exactly the old sent, skipped and dead rows go (in batches), with their notices; pending, waiting and sending rows and open signals' alerts stay.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { recordingLogger } from '../core/testing/logger';
import { openMemoryDatabase, type Db } from '../db/client';
import { insertSignal } from '../db/stores/delivery-store.fixtures';
import { seedChannel } from '../db/testing/seed';
import { PRUNE_DELIVERIES_SQL, PRUNE_NOTICES_SQL, pruneDeliveries, pruneJob } from './prune';

const DAY = 86_400_000;

function signalRef(db: Db, id: string): number {
  return (db.$client.prepare('SELECT ref FROM signals WHERE id = ?').get(id) as { ref: number }).ref;
}

function closeSignal(db: Db, id: string, kind: 'stopped' | 'closed' | 'target_hit', at: number): void {
  db.$client.prepare(`INSERT INTO signal_updates (id, signal_id, kind, created_at, ref) VALUES (?, ?, ?, ?, (SELECT coalesce(max(ref), 0) + 1 FROM signal_updates))`)
    .run(`upd_${id}_${kind}`, id, kind, at);
}

function world() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 3, 47));
  const channel = seedChannel(db, { recipient: { platform: 'telegram', chatId: '-100' } });
  const dest = (db.$client.prepare('SELECT ref FROM destinations WHERE recipient_key = ?').get(channel.recipientKey) as { ref: number }).ref;
  let n = 0;
  /** One delivery row; returns a name for it. */
  const row = (name: string, fields: { state: string; ageDays: number; contentType?: string; kind?: string; contentRef?: number }) => {
    const at = clock.now() - fields.ageDays * DAY;
    db.$client.prepare(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)`).run(fields.contentType ?? 'snapshot', fields.contentRef ?? 100_000 + ++n, fields.kind ?? 'snapshot', dest, at, fields.state, at, at);
    return name;
  };
  const notice = (ageDays: number) => {
    const at = clock.now() - ageDays * DAY;
    return Number(db.$client.prepare("INSERT INTO notices (topic, text, created_at) VALUES ('welcome', 'Welcome', ?)").run(at).lastInsertRowid);
  };
  return { db, clock, row, notice };
}

/** Each row left, by state, kind and age in days. */
function left(db: Db, now: number): string[] {
  return (db.$client.prepare('SELECT state, kind, updated_at AS at FROM deliveries ORDER BY id').all() as { state: string; kind: string; at: number }[])
    .map((r) => `${r.state} ${r.kind} ${Math.round((now - r.at) / DAY)}d`);
}

describe('pruning old deliveries', () => {
  it('deletes exactly the final rows older than the retention, in batches, and never a waiting, pending, held or sending row', async () => {
    const { db, clock, row, notice } = world();
    const open = insertSignal(db, { id: 'sig_open' });
    const closed = insertSignal(db, { id: 'sig_closed' });
    closeSignal(db, open, 'target_hit', clock.now() - 95 * DAY);
    closeSignal(db, closed, 'stopped', clock.now() - 95 * DAY);
    const oldNotice = notice(100);
    const keptNotice = notice(100);
    for (let i = 0; i < 5; i++) row('old sent snapshot', { state: 'sent', ageDays: 91 + i });
    row('old skipped', { state: 'skipped', ageDays: 120 });
    row('old dead', { state: 'dead', ageDays: 200 });
    row('old expired', { state: 'expired', ageDays: 100 });
    row('old superseded', { state: 'superseded', ageDays: 100 });
    row('old notice', { state: 'sent', ageDays: 100, contentType: 'notice', kind: 'notice', contentRef: oldNotice });
    row('closed alert', { state: 'sent', ageDays: 100, contentType: 'signal', kind: 'alert', contentRef: signalRef(db, closed) });
    row('open alert', { state: 'sent', ageDays: 100, contentType: 'signal', kind: 'alert', contentRef: signalRef(db, open) });
    row('open rationale', { state: 'sent', ageDays: 100, contentType: 'signal', kind: 'rationale', contentRef: signalRef(db, open) });
    row('old pending', { state: 'pending', ageDays: 100 });
    row('old waiting', { state: 'waiting', ageDays: 100, contentType: 'signal', kind: 'rationale', contentRef: signalRef(db, closed) });
    row('old sending', { state: 'sending', ageDays: 100 });
    row('old held', { state: 'held', ageDays: 100 });
    row('kept notice', { state: 'pending', ageDays: 100, contentType: 'notice', kind: 'notice', contentRef: keptNotice });
    row('recent sent', { state: 'sent', ageDays: 89 });
    row('recent dead', { state: 'dead', ageDays: 10 });

    const result = await pruneDeliveries({ db, clock, retentionDays: 90, logger: recordingLogger(), batchSize: 2 });
    expect(result).toEqual({ deliveries: 12, notices: 1, cutoff: clock.now() - 90 * DAY });
    expect(left(db, clock.now())).toEqual([
      'sent alert 100d', // its signal is still open: its updates thread on it
      'pending snapshot 100d', 'waiting rationale 100d', 'sending snapshot 100d', 'held snapshot 100d', 'pending notice 100d',
      'sent snapshot 89d', 'dead snapshot 10d',
    ]);
    expect(db.$client.prepare('SELECT ref FROM notices').all()).toEqual([{ ref: keptNotice }]);
    // A second run finds nothing more.
    await expect(pruneDeliveries({ db, clock, retentionDays: 90, logger: recordingLogger() })).resolves.toMatchObject({ deliveries: 0, notices: 0 });
  });

  it('deletes old expired and superseded rows, which are final, and keeps a held one', async () => {
    const { db, clock, row } = world();
    const stopped = insertSignal(db, { id: 'sig_stopped' });
    closeSignal(db, stopped, 'stopped', clock.now() - 95 * DAY);
    row('old superseded alert', { state: 'superseded', ageDays: 95, contentType: 'signal', kind: 'alert', contentRef: signalRef(db, stopped) });
    row('old expired', { state: 'expired', ageDays: 95 });
    row('old held', { state: 'held', ageDays: 95 });
    row('newest', { state: 'sent', ageDays: 1 });

    const result = await pruneDeliveries({ db, clock, retentionDays: 90, logger: recordingLogger() });
    expect(result).toMatchObject({ deliveries: 2 });
    expect(left(db, clock.now())).toEqual(['held snapshot 95d', 'sent snapshot 1d']);
  });

  it('keeps the newest row (its id would be reused) and keeps everything when the retention is 0', async () => {
    const { db, clock, row } = world();
    row('old', { state: 'sent', ageDays: 400 });
    row('newest, old too', { state: 'sent', ageDays: 400 });
    await expect(pruneDeliveries({ db, clock, retentionDays: 0, logger: recordingLogger() })).resolves.toEqual({ deliveries: 0, notices: 0, cutoff: null });
    await expect(pruneDeliveries({ db, clock, retentionDays: 30, logger: recordingLogger() })).resolves.toMatchObject({ deliveries: 1 });
    expect(left(db, clock.now())).toEqual(['sent snapshot 400d']);
    expect(pruneJob({ db, clock, retentionDays: 30, logger: recordingLogger() })).toMatchObject({ name: 'prune-deliveries', schedule: '47 3 * * *' });
  });

  it('walks a range of ids per statement (the primary key), never every final row through an index', () => {
    const { db } = world();
    const plan = (sql: string) => (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, 5_000, 0) as { detail: string }[]).map((r) => r.detail);
    expect(plan(PRUNE_DELIVERIES_SQL)[0]).toBe('SEARCH deliveries USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
    expect(plan(PRUNE_NOTICES_SQL)[0]).toBe('SEARCH notices USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
    expect(plan(PRUNE_NOTICES_SQL)).toContain('SEARCH d USING COVERING INDEX deliveries_content_destination_kind_idx (content_ref=?)');
  });
});
