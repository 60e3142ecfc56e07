// The outbox's due rows on SQLite (for delivery-store.ts): the dispatcher's pages in either walk order, the next due time, and each platform's oldest pending alert.
import type { DueCursor, DueDelivery, DueQuery, OldestPendingAlert } from '../../core/delivery/ports';
import type { ContentKind, PlatformName, Recipient } from '../../core/types';
import type { StatementCache } from './statement-cache';

interface DueRow {
  id: number;
  content_type: string;
  content_id: string;
  kind: ContentKind;
  destination_id: string;
  account_id: string | null;
  platform: PlatformName;
  recipient_key: string;
  priority: number;
  due_at: number;
  attempts: number;
  address: string;
  is_group: number;
  protect_content: number;
}

/**
 * The public id of a delivery's content (alias: the deliveries table's name in the query): a row carries only
 * content_ref, the integer key of its content, so a signal's text id is read from signals by its ref (one
 * primary-key probe). Content that is gone (or of a type with no table yet) is named by type and ref, "signal#12".
 */
export const contentIdSql = (alias: string) => `coalesce((SELECT s.id FROM signals s WHERE ${alias}.content_type = 'signal' AND s.ref = ${alias}.content_ref), `
  + `${alias}.content_type || '#' || ${alias}.content_ref)`;

// The recipient key and account are the destination's: a delivery row carries its ref (and its platform).
const DUE_COLUMNS = `d.id, d.content_type, ${contentIdSql('d')} AS content_id, d.kind, dest.id AS destination_id, dest.account_id, dest.platform,
  dest.recipient_key, d.priority, d.due_at, d.attempts, dest.address, dest.is_group, d.protect_content`;

// CROSS JOIN keeps deliveries the outer loop, so every query below reads a range of deliveries_due_idx and
// looks each destination up by its primary key, whatever the planner would guess from destinations' indexes.
export const WITH_DESTINATION = 'deliveries d CROSS JOIN destinations dest ON dest.ref = d.destination_ref';

/** A due row worth claiming: not past its expires_at (bound to now), to an enabled destination. */
const DUE_FILTER = '(d.expires_at IS NULL OR d.expires_at > ?) AND dest.enabled = 1';

/**
 * Queries go one platform and one priority at a time, so that each is a range of deliveries_due_idx
 * (state, platform, priority, due_at) holding only rows it may return: a platform left out (its window
 * full, its adapter paused) or a huge backlog of one platform is never stepped over, and rows that are
 * not yet due are never walked.
 */
export class DueReads {
  constructor(private readonly stmts: StatementCache) {}

  /**
   * Per priority, each platform's next rows in the walk's order, merged into that order: the page is
   * what one query over every platform would return, read without touching another platform's rows.
   */
  findDue(query: DueQuery): DueDelivery[] {
    if (query.platforms.length === 0 || query.limit <= 0) return [];
    const out: DueDelivery[] = [];
    const after = query.after;
    const newest = query.order === 'newest';
    for (const priority of this.pendingPriorities(query.platforms, after?.priority)) {
      const remaining = query.limit - out.length;
      const merged: DueDelivery[] = [];
      for (const platform of query.platforms) {
        const rows = after && priority === after.priority
          ? this.pastCursor(platform, priority, after, newest, query.now, remaining)
          : this.stmts.get(`due-${newest ? 'newest' : 'oldest'}`, `SELECT ${DUE_COLUMNS}
              FROM ${WITH_DESTINATION}
              WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at <= ? AND ${DUE_FILTER}
              ORDER BY ${newest ? 'd.due_at DESC, d.id DESC' : 'd.due_at, d.id'} LIMIT ?`)
            .all(platform, priority, query.now, query.now, remaining);
        for (const row of rows as DueRow[]) merged.push(toDue(row));
      }
      if (query.platforms.length > 1) merged.sort(newest ? (a, b) => b.dueAt - a.dueAt || b.id - a.id : (a, b) => a.dueAt - b.dueAt || a.id - b.id);
      for (const row of merged.slice(0, remaining)) out.push(row);
      if (out.length >= query.limit) break;
    }
    return out;
  }

  /**
   * One platform's due rows past the cursor in the walk's direction, in two seeks so that neither walks
   * the rows behind the cursor (a fan-out's rows share one due_at, and a row-value or OR condition on
   * (due_at, id) is no index bound: each page would re-read every row written since the walk began):
   * first the cursor's own due_at past its id (`due_at = ? AND rowid < ?`, the index's last column),
   * then the due_at values beyond it.
   */
  private pastCursor(platform: PlatformName, priority: number, after: DueCursor, newest: boolean, now: number, limit: number): unknown[] {
    const rows: unknown[] = [];
    if (after.dueAt <= now) {
      rows.push(...this.stmts.get(`due-${newest ? 'newest' : 'oldest'}-same`, `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at = ? AND d.id ${newest ? '<' : '>'} ? AND ${DUE_FILTER}
          ORDER BY d.id${newest ? ' DESC' : ''} LIMIT ?`)
        .all(platform, priority, after.dueAt, after.id, now, limit));
    }
    if (rows.length >= limit) return rows;
    const beyond = newest
      ? this.stmts.get('due-newest-beyond', `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at < ? AND ${DUE_FILTER}
          ORDER BY d.due_at DESC, d.id DESC LIMIT ?`)
        .all(platform, priority, Math.min(after.dueAt, now + 1), now, limit - rows.length)
      : this.stmts.get('due-oldest-beyond', `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at > ? AND d.due_at <= ? AND ${DUE_FILTER}
          ORDER BY d.due_at, d.id LIMIT ?`)
        .all(platform, priority, after.dueAt, now, now, limit - rows.length);
    rows.push(...beyond);
    return rows;
  }

  /**
   * Per platform and priority, the first `perPriority` due pending rows in due order (a range of
   * deliveries_due_idx, whatever the backlog), of which the alerts not yet expired give the platform its
   * oldest due time. A platform whose alerts all lie behind that many rows of its own other work is not seen.
   */
  oldestPendingAlerts(now: number, perPriority: number): OldestPendingAlert[] {
    const first = this.stmts.get('oldest-alerts', `SELECT min(f.due_at) AS dueAt
        FROM (SELECT d.due_at, d.kind, d.expires_at FROM deliveries d
              WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at <= ? ORDER BY d.due_at LIMIT ?) f
        WHERE f.kind = 'alert' AND (f.expires_at IS NULL OR f.expires_at > ?)`);
    const out: OldestPendingAlert[] = [];
    for (const platform of this.pendingPlatforms()) {
      let oldest = Infinity;
      for (const priority of this.pendingPriorities([platform], undefined)) {
        const row = first.get(platform, priority, now, perPriority, now) as { dueAt: number | null };
        if (row.dueAt !== null) oldest = Math.min(oldest, row.dueAt);
      }
      if (oldest !== Infinity) out.push({ platform, dueAt: oldest });
    }
    return out;
  }

  nextDueAt(platforms: readonly PlatformName[], after: number): number | undefined {
    const first = this.stmts.get('next', `SELECT d.due_at AS due_at
      FROM ${WITH_DESTINATION}
      WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at > ? AND dest.enabled = 1
      ORDER BY d.due_at LIMIT 1`);
    let best: number | undefined;
    for (const platform of platforms) {
      for (const priority of this.pendingPriorities([platform], undefined)) {
        const row = first.get(platform, priority, after) as { due_at: number } | undefined;
        if (row && (best === undefined || row.due_at < best)) best = row.due_at;
      }
    }
    return best;
  }

  /** The distinct priorities of these platforms' pending rows, ascending, from `from` on: one index probe each. */
  private pendingPriorities(platforms: readonly PlatformName[], from: number | undefined): number[] {
    const stmt = this.stmts.get('priorities', `WITH RECURSIVE p(v) AS (
        SELECT (SELECT min(priority) FROM deliveries WHERE state = 'pending' AND platform = @platform AND priority >= @from)
        UNION ALL
        SELECT (SELECT min(priority) FROM deliveries WHERE state = 'pending' AND platform = @platform AND priority > p.v) FROM p WHERE p.v IS NOT NULL
      ) SELECT v FROM p WHERE v IS NOT NULL`).pluck(true);
    const priorities = new Set<number>();
    for (const platform of platforms) {
      for (const v of stmt.all({ platform, from: from ?? -2_147_483_648 }) as number[]) priorities.add(v);
    }
    return [...priorities].sort((a, b) => a - b);
  }

  /** The distinct platforms of pending rows: one index probe each. */
  private pendingPlatforms(): PlatformName[] {
    return this.stmts.get('platforms', `WITH RECURSIVE p(v) AS (
        SELECT (SELECT min(platform) FROM deliveries WHERE state = 'pending')
        UNION ALL
        SELECT (SELECT min(platform) FROM deliveries WHERE state = 'pending' AND platform > p.v) FROM p WHERE p.v IS NOT NULL
      ) SELECT v FROM p WHERE v IS NOT NULL`).pluck(true).all() as PlatformName[];
  }
}

function toDue(row: DueRow): DueDelivery {
  return {
    id: row.id,
    contentType: row.content_type,
    contentId: row.content_id,
    kind: row.kind,
    destinationId: row.destination_id,
    accountId: row.account_id,
    platform: row.platform,
    recipientKey: row.recipient_key,
    recipient: JSON.parse(row.address) as Recipient,
    isGroup: row.is_group === 1,
    priority: row.priority,
    dueAt: row.due_at,
    attempts: row.attempts,
    protectContent: row.protect_content === 1,
  };
}
