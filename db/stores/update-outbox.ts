// The updates' outbox on SQLite: a stop or close supersedes the signal's unsent alerts and rationales; each update is planned where the alert went (a target hit also where it is going), never due before it.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { SignalcastError } from '../../core/errors';
import { deferPastQuietHours } from '../../core/planning/quiet-hours';
import type { UpdateOutbox, UpdatePlan } from '../../core/publishing/ports';
import type { PlatformName, SignalUpdate } from '../../core/types';

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
 * The signal's alerts an update follows, to enabled destinations: a stop or close only where the
 * alert is sending or sent (the rest was just superseded); a target hit also where it is pending or
 * held (it waits for the alert, or the quiet-hours digest). Skipped, dead, expired, superseded and
 * never-planned alerts get no update. One range of deliveries_content_destination_kind_idx.
 */
const alertsSql = (states: string) => `SELECT d.destination_ref, d.priority, d.due_at, d.protect_content,
    a.quiet_start, a.quiet_end, a.time_zone
  FROM deliveries d
  JOIN destinations dest ON dest.ref = d.destination_ref
  LEFT JOIN accounts a ON dest.kind = 'direct' AND a.id = dest.account_id
  WHERE d.content_ref = ? AND d.kind = 'alert' AND d.content_type = 'signal'
    AND d.state IN (${states}) AND dest.enabled = 1`;

/** What a stop or close supersedes: the signal's alerts not gone yet, and its rationales not sent yet. */
const UNSENT = `d.content_ref = @signalRef AND d.content_type = 'signal'
  AND ((d.kind = 'alert' AND d.state IN ('pending', 'held')) OR (d.kind = 'rationale' AND d.state IN ('waiting', 'pending')))`;

const UNSENT_BY_PLATFORM_SQL = `SELECT d.platform, count(*) AS n FROM deliveries d WHERE ${UNSENT} GROUP BY d.platform`;

/** Final, and no longer counted toward a daily cap; skip_reason names the update ("stopped:update#12"). */
const SUPERSEDE_SQL = `UPDATE deliveries AS d SET state = 'superseded', skip_reason = @reason, cap_day = NULL, cap_account_id = NULL,
    claimed_at = NULL, updated_at = @now
  WHERE ${UNSENT}`;

/** The planner plans nothing more for a cancelled job. */
const CANCEL_PLANNING_SQL = `UPDATE planning_jobs SET state = 'cancelled', updated_at = @now WHERE signal_ref = @signalRef AND state = 'planning'`;

const SUPERSEDED_COUNT_SQL = `SELECT count(*) FROM deliveries
  WHERE content_ref = ? AND content_type = 'signal' AND state = 'superseded' AND skip_reason = ?`;

/** Once per update and destination (the unique content_ref, destination_ref, kind). Never counted toward a daily cap. */
const INSERT_SQL = `INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
    skip_reason, protect_content, attempts, created_at, updated_at, platform)
  VALUES ('update', @updateRef, 'update', @destinationRef, NULL, @priority, @dueAt, NULL, 'pending', NULL, @protect, 0, @now, @now,
    (SELECT platform FROM destinations WHERE ref = @destinationRef))
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

/** A stop or close supersedes the signal's unsent alerts and rationales; a target hit nothing. */
const supersedes = (kind: SignalUpdate['kind']) => kind === 'stopped' || kind === 'closed';

/** Written on each row an update superseded, so a replay can count them again. */
const reasonOf = (kind: SignalUpdate['kind'], updateRef: number) => `${kind}:update#${updateRef}`;

export class SqliteUpdateOutbox implements UpdateOutbox {
  private readonly signalRefStmt: Statement<[string], number>;
  private readonly sentAlertsStmt: Statement<[number], AlertRow>;
  private readonly allAlertsStmt: Statement<[number], AlertRow>;
  private readonly unsentStmt: Statement<[{ signalRef: number }], { platform: string; n: number }>;
  private readonly supersedeStmt: Statement;
  private readonly cancelStmt: Statement;
  private readonly refStmt: Statement<[string], number | null>;
  private readonly insertStmt: Statement;
  private readonly countStmt: Statement<[string], number>;
  private readonly supersededStmt: Statement<[number, string], number>;

  constructor(sqlite: Database.Database) {
    this.signalRefStmt = sqlite.prepare<[string], number>('SELECT ref FROM signals WHERE id = ?').pluck(true);
    this.sentAlertsStmt = sqlite.prepare<[number], AlertRow>(alertsSql("'sending', 'sent'"));
    this.allAlertsStmt = sqlite.prepare<[number], AlertRow>(alertsSql("'pending', 'held', 'sending', 'sent'"));
    this.unsentStmt = sqlite.prepare<[{ signalRef: number }], { platform: string; n: number }>(UNSENT_BY_PLATFORM_SQL);
    this.supersedeStmt = sqlite.prepare(SUPERSEDE_SQL);
    this.cancelStmt = sqlite.prepare(CANCEL_PLANNING_SQL);
    this.refStmt = sqlite.prepare<[string], number | null>('SELECT ref FROM signal_updates WHERE id = ?').pluck(true);
    this.insertStmt = sqlite.prepare(INSERT_SQL);
    this.countStmt = sqlite.prepare<[string], number>(COUNT_SQL).pluck(true);
    this.supersededStmt = sqlite.prepare<[number, string], number>(SUPERSEDED_COUNT_SQL).pluck(true);
  }

  plan(signalId: string, update: SignalUpdate, now: number): UpdatePlan {
    const updateRef = this.refStmt.get(update.id);
    if (updateRef === undefined || updateRef === null) throw new SignalcastError('internal', `update ${update.id} has no ref: it was not stored by insertUpdate`);
    const signalRef = this.signalRefStmt.get(signalId);
    if (signalRef === undefined) throw new SignalcastError('not_found', `signal ${signalId} does not exist`);
    const superseded: Record<PlatformName, number> = {};
    if (supersedes(update.kind)) {
      for (const { platform, n } of this.unsentStmt.all({ signalRef })) superseded[platform] = n;
      this.supersedeStmt.run({ signalRef, reason: reasonOf(update.kind, updateRef), now });
      this.cancelStmt.run({ signalRef, now });
    }
    const alerts = supersedes(update.kind) ? this.sentAlertsStmt : this.allAlertsStmt;
    let planned = 0;
    // Read first, then write: better-sqlite3 runs no other statement while one iterates.
    for (const alert of alerts.all(signalRef)) {
      const { changes } = this.insertStmt.run({
        updateRef, destinationRef: alert.destination_ref, priority: alert.priority, dueAt: updateDueAt(update.kind, alert, now), protect: alert.protect_content, now,
      });
      planned += changes;
    }
    return { planned, superseded };
  }

  firstCounts(update: SignalUpdate): { planned: number; superseded: number } {
    const planned = this.countStmt.get(update.id) ?? 0;
    const updateRef = this.refStmt.get(update.id);
    const signalRef = this.signalRefStmt.get(update.signalId);
    if (!supersedes(update.kind) || updateRef === undefined || updateRef === null || signalRef === undefined) return { planned, superseded: 0 };
    return { planned, superseded: this.supersededStmt.get(signalRef, reasonOf(update.kind, updateRef)) ?? 0 };
  }
}
