// The quiet-hours digest's delivery rows: one per direct destination and quiet window, inserted in bulk beside the alerts it holds (alert-writer.ts).
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';

/** Rows per statement (SQLite binds at most 32,766 values; well under). */
const CHUNK = 200;

/** A digest's content_ref: the quiet window's end in whole minutes since the epoch. */
export function digestRefOf(dueAt: number): number {
  return Math.floor(dueAt / 60_000);
}

/** What every digest row of one window shares: due at its end, at the held alert's priority and protection, on one platform. */
export interface DigestWindow {
  dueAt: number;
  platform: string;
  priority: number;
  /** 0 or 1, as SQLite stores it. */
  protect: number;
  now: number;
}

/**
 * Digest rows: content_type and kind 'digest', content_ref the window's minute, never counted toward a
 * daily cap (the held alerts are), never expiring. The unique index (content_ref, destination_ref, kind)
 * makes the insert once per destination and window, whichever signal or chunk comes first.
 */
export class DigestRows {
  private readonly inserts = new Map<number, Statement>();
  private readonly probes = new Map<number, Statement<unknown[], number>>();

  constructor(private readonly sqlite: Database.Database) {}

  insert(window: DigestWindow, destinationRefs: readonly number[]): void {
    const named = { ref: digestRefOf(window.dueAt), dueAt: window.dueAt, priority: window.priority, protect: window.protect, now: window.now, platform: window.platform };
    for (let i = 0; i < destinationRefs.length; i += CHUNK) {
      const slice = destinationRefs.slice(i, i + CHUNK);
      this.insertStatement(slice.length).run(named, slice);
    }
  }

  /** The destinations (of those given) whose digest of this window is no longer pending: claimed, sent or settled. */
  notPending(window: DigestWindow, destinationRefs: readonly number[]): Set<number> {
    const ref = digestRefOf(window.dueAt);
    const late = new Set<number>();
    for (let i = 0; i < destinationRefs.length; i += CHUNK) {
      const slice = destinationRefs.slice(i, i + CHUNK);
      for (const d of this.probeStatement(slice.length).all(ref, ...slice)) late.add(d);
    }
    return late;
  }

  private insertStatement(rows: number): Statement {
    let stmt = this.inserts.get(rows);
    if (!stmt) {
      const row = `('digest', @ref, 'digest', ?, NULL, @priority, @dueAt, NULL, 'pending', NULL, @protect, 0, @now, @now, NULL, @platform)`;
      stmt = this.sqlite.prepare(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
        skip_reason, protect_content, attempts, created_at, updated_at, expires_at, platform) VALUES ${Array.from({ length: rows }, () => row).join(', ')}
        ON CONFLICT DO NOTHING`);
      this.inserts.set(rows, stmt);
    }
    return stmt;
  }

  private probeStatement(rows: number): Statement<unknown[], number> {
    let stmt = this.probes.get(rows);
    if (!stmt) {
      // One probe of deliveries_content_destination_kind_idx per destination.
      stmt = this.sqlite.prepare<unknown[], number>(`SELECT destination_ref FROM deliveries
        WHERE content_ref = ? AND kind = 'digest' AND destination_ref IN (${Array.from({ length: rows }, () => '?').join(', ')}) AND state <> 'pending'`).pluck();
      this.probes.set(rows, stmt);
    }
    return stmt;
  }
}
