// The publishing outbox on SQLite: a signal's planned deliveries as rows, alerts in bulk (alert-writer.ts), other kinds where the destination takes them.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { SignalcastError } from '../../core/errors';
import { rationalePriority, type EntitledRecipient } from '../../core/planning/types';
import type { OutboxWriter, PlannedDeliveries } from '../../core/publishing/ports';
import { AlertWriter } from './alert-writer';
import { writeSignalReach } from './signal-reach';

/**
 * One row per recipient whose destination lists the kind in its content_kinds. Never counted
 * toward a daily cap (the cap counts signals, and the alert already counts this one). A rationale
 * waits ('waiting', never claimed) until its writer has written it; one planned in a later chunk,
 * after it was written, is pending at once (nothing would release it).
 */
const OTHER_KIND_SQL = `INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
    skip_reason, protect_content, attempts, created_at, updated_at, platform)
  SELECT 'signal', @signalRef, @kind, ref, NULL, @priority, @dueAt, NULL,
    CASE WHEN @state = 'waiting' AND (SELECT rationale_state FROM signals WHERE ref = @signalRef) = 'written' THEN 'pending' ELSE @state END,
    NULL, @protect, 0, @now, @now, platform
  FROM destinations WHERE ref = @destinationRef AND instr(content_kinds, '"' || @kind || '"') > 0
  ON CONFLICT DO NOTHING`;

/** A signal's alert rows already written in a ref range: a chunk run again (after a crash) writes none of them twice. */
const WRITTEN_ALERTS_SQL = `SELECT destination_ref FROM deliveries WHERE content_ref = ? AND destination_ref BETWEEN ? AND ? AND kind = 'alert'`;

/** The writer writes the signal's rationale once it knows some destination waits for it. */
const WANT_RATIONALE_SQL = `UPDATE signals SET rationale_state = 'wanted' WHERE ref = ? AND rationale_state IS NULL`;

export class SqliteOutboxWriter implements OutboxWriter {
  private readonly alerts: AlertWriter;
  private readonly otherStmt: Statement;
  private readonly wantStmt: Statement;
  private readonly writtenStmt: Statement<[number, number, number], number>;

  constructor(sqlite: Database.Database) {
    this.alerts = new AlertWriter(sqlite);
    this.otherStmt = sqlite.prepare(OTHER_KIND_SQL);
    this.wantStmt = sqlite.prepare(WANT_RATIONALE_SQL);
    this.writtenStmt = sqlite.prepare<[number, number, number], number>(WRITTEN_ALERTS_SQL).pluck(true);
  }

  /** Accepts nothing but EntitledRecipients (the planner's checked output). */
  write(p: PlannedDeliveries): void {
    const refOf = (destinationId: string) => {
      const ref = p.batch.refOf(destinationId);
      if (ref === undefined) throw new SignalcastError('internal', `destination ${destinationId} was planned but is not a candidate`);
      return ref;
    };
    if (p.kind === 'alert') {
      writeSignalReach(this.otherStmt.database, p);
      const recipients = this.notWritten(p.signal.ref, p.recipients, refOf);
      if (recipients.length > 0) this.alerts.write({ signalRef: p.signal.ref, recipients, refOf, capped: p.capped, now: p.now, utcDay: p.utcDay });
      return;
    }
    const state = p.kind === 'rationale' ? 'waiting' : 'pending';
    let written = 0;
    for (const r of p.recipients) {
      written += this.otherStmt.run({
        signalRef: p.signal.ref, kind: p.kind, state, destinationRef: refOf(r.destinationId), priority: p.kind === 'rationale' ? rationalePriority(r.priority) : r.priority, dueAt: r.dueAt, protect: r.protectContent ? 1 : 0, now: p.now,
      }).changes;
    }
    if (p.kind === 'rationale' && written > 0) this.wantStmt.run(p.signal.ref);
  }

  /** The recipients without an alert row of this signal yet (the unique key's ON CONFLICT DO NOTHING, read once per chunk by ref range). */
  private notWritten(signalRef: number, recipients: readonly EntitledRecipient[], refOf: (id: string) => number): readonly EntitledRecipient[] {
    if (recipients.length === 0) return recipients;
    let min = Infinity;
    let max = -Infinity;
    for (const r of recipients) {
      const ref = refOf(r.destinationId);
      if (ref < min) min = ref;
      if (ref > max) max = ref;
    }
    const written = this.writtenStmt.all(signalRef, min, max);
    if (written.length === 0) return recipients;
    const skip = new Set(written);
    return recipients.filter((r) => !skip.has(refOf(r.destinationId)));
  }
}
