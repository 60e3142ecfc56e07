// The updates' outbox on SQLite: a signal update's deliveries, one where each of the signal's alerts was sent or is going, never due before it.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { SignalcastError } from '../../core/errors';
import { deferPastQuietHours } from '../../core/planning/quiet-hours';
import type { UpdateOutbox } from '../../core/publishing/ports';
import type { SignalUpdate } from '../../core/types';

/** An alert row the update follows, with the quiet hours of the person whose direct messages it went to (null elsewhere). */
interface AlertRow {
  destination_ref: number;
  priority: number;
  due_at: number;
  protect_content: number;
  quiet_start: string | null;
  quiet_end: string | null;
  time_zone: string | null;
}

/**
 * The signal's alerts still pending, sending or sent, to enabled destinations: skipped, dead and
 * never-planned alerts get no update. One range of deliveries_content_destination_kind_idx.
 */
const ALERTS_SQL = `SELECT d.destination_ref, d.priority, d.due_at, d.protect_content,
    a.quiet_start, a.quiet_end, a.time_zone
  FROM deliveries d
  JOIN destinations dest ON dest.ref = d.destination_ref
  LEFT JOIN accounts a ON dest.kind = 'direct' AND a.id = dest.account_id
  WHERE d.content_ref = (SELECT ref FROM signals WHERE id = ?) AND d.kind = 'alert' AND d.content_type = 'signal'
    AND d.state IN ('pending', 'sending', 'sent') AND dest.enabled = 1`;

/** Once per update and destination (the unique content_ref, destination_ref, kind). Never counted toward a daily cap. */
const INSERT_SQL = `INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
    skip_reason, protect_content, attempts, created_at, updated_at)
  VALUES ('update', @updateRef, 'update', @destinationRef, NULL, @priority, @dueAt, NULL, 'pending', NULL, @protect, 0, @now, @now)
  ON CONFLICT DO NOTHING`;

const COUNT_SQL = `SELECT count(*) FROM deliveries
  WHERE content_ref = (SELECT ref FROM signal_updates WHERE id = ?) AND kind = 'update' AND content_type = 'update'`;

/** When an update is due at a destination: with its alert at the earliest; a target hit also after the DM's quiet hours. */
export function updateDueAt(kind: SignalUpdate['kind'], alert: Pick<AlertRow, 'due_at' | 'quiet_start' | 'quiet_end' | 'time_zone'>, now: number): number {
  const due = Math.max(now, alert.due_at);
  // Stops and closes are critical: they never wait for quiet hours.
  if (kind !== 'target_hit' || alert.quiet_start === null || alert.quiet_end === null) return due;
  return deferPastQuietHours(due, { start: alert.quiet_start, end: alert.quiet_end, timeZone: alert.time_zone ?? 'UTC' });
}

export class SqliteUpdateOutbox implements UpdateOutbox {
  private readonly alertsStmt: Statement<[string], AlertRow>;
  private readonly refStmt: Statement<[string], number | null>;
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[string], number>;

  constructor(sqlite: Database.Database) {
    this.alertsStmt = sqlite.prepare<[string], AlertRow>(ALERTS_SQL);
    this.refStmt = sqlite.prepare<[string], number | null>('SELECT ref FROM signal_updates WHERE id = ?').pluck(true);
    this.insertStmt = sqlite.prepare(INSERT_SQL);
    this.countStmt = sqlite.prepare<[string], number>(COUNT_SQL).pluck(true);
  }

  plan(signalId: string, update: SignalUpdate, now: number): number {
    const updateRef = this.refStmt.get(update.id);
    if (updateRef === undefined || updateRef === null) throw new SignalcastError('internal', `update ${update.id} has no ref: it was not stored by insertUpdate`);
    let planned = 0;
    // Read first, then write: better-sqlite3 runs no other statement while one iterates.
    for (const alert of this.alertsStmt.all(signalId)) {
      const { changes } = this.insertStmt.run({
        updateRef, destinationRef: alert.destination_ref, priority: alert.priority, dueAt: updateDueAt(update.kind, alert, now), protect: alert.protect_content, now,
      });
      planned += changes;
    }
    return planned;
  }

  plannedCount(updateId: string): number {
    return this.countStmt.get(updateId) ?? 0;
  }
}
