// The delivery outbox on SQLite: claim due rows, record send results in batches, recover, dead letters.
import { and, desc, eq, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type {
  DeadDelivery,
  DeliveryResult,
  DeliveryState,
  DeliveryStore,
  DueCursor,
  DueDelivery,
  DueQuery,
  ExpiredCount,
  OldestPendingAlert,
  QueueCount,
  RecoveredDelivery,
  RetryDeadResult,
} from '../../core/delivery/ports';
import type { ContentKind, PlatformName, Recipient } from '../../core/types';
import type { Db } from '../client';
import { deliveries, destinations } from '../schema';
import { SqliteAuditLog } from './audit-store';

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
const contentIdSql = (alias: string) => `coalesce((SELECT s.id FROM signals s WHERE ${alias}.content_type = 'signal' AND s.ref = ${alias}.content_ref), `
  + `${alias}.content_type || '#' || ${alias}.content_ref)`;

// The recipient key and account are the destination's: a delivery row carries its ref (and its platform).
const DUE_COLUMNS = `d.id, d.content_type, ${contentIdSql('d')} AS content_id, d.kind, dest.id AS destination_id, dest.account_id, dest.platform,
  dest.recipient_key, d.priority, d.due_at, d.attempts, dest.address, dest.is_group, d.protect_content`;

// CROSS JOIN keeps deliveries the outer loop, so every query below reads a range of deliveries_due_idx and
// looks each destination up by its primary key, whatever the planner would guess from destinations' indexes.
const WITH_DESTINATION = 'deliveries d CROSS JOIN destinations dest ON dest.ref = d.destination_ref';

/** A due row worth claiming: not past its expires_at (bound to now), to an enabled destination. */
const DUE_FILTER = '(d.expires_at IS NULL OR d.expires_at > ?) AND dest.enabled = 1';

/**
 * The hot paths (find, claim, record) use prepared statements on the better-sqlite3 handle: they run
 * hundreds of times a second. Queries go one platform and one priority at a time, so that each is a
 * range of deliveries_due_idx (state, platform, priority, due_at) holding only rows it may return: a
 * platform left out (its window full, its adapter paused) or a huge backlog of one platform is never
 * stepped over, and rows that are not yet due are never walked.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly sqlite: Database.Database;
  private readonly audit: AuditLog;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly deps: { db: Db; clock: Clock; audit?: AuditLog }) {
    this.sqlite = deps.db.$client;
    this.audit = deps.audit ?? new SqliteAuditLog({ db: deps.db, clock: deps.clock });
  }

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
          : this.stmt(`due-${newest ? 'newest' : 'oldest'}`, `SELECT ${DUE_COLUMNS}
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
      rows.push(...this.stmt(`due-${newest ? 'newest' : 'oldest'}-same`, `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at = ? AND d.id ${newest ? '<' : '>'} ? AND ${DUE_FILTER}
          ORDER BY d.id${newest ? ' DESC' : ''} LIMIT ?`)
        .all(platform, priority, after.dueAt, after.id, now, limit));
    }
    if (rows.length >= limit) return rows;
    const beyond = newest
      ? this.stmt('due-newest-beyond', `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at < ? AND ${DUE_FILTER}
          ORDER BY d.due_at DESC, d.id DESC LIMIT ?`)
        .all(platform, priority, Math.min(after.dueAt, now + 1), now, limit - rows.length)
      : this.stmt('due-oldest-beyond', `SELECT ${DUE_COLUMNS}
          FROM ${WITH_DESTINATION}
          WHERE d.state = 'pending' AND d.platform = ? AND d.priority = ? AND d.due_at > ? AND d.due_at <= ? AND ${DUE_FILTER}
          ORDER BY d.due_at, d.id LIMIT ?`)
        .all(platform, priority, after.dueAt, now, now, limit - rows.length);
    rows.push(...beyond);
    return rows;
  }

  /**
   * The pending rows past their expires_at, oldest expiry first: a range of the partial index
   * deliveries_expiry_idx (only pending rows that can expire are in it), so the sweep reads exactly the
   * rows it expires, whatever the backlog. At most `limit` rows change per call, in one transaction.
   */
  expireDue(now: number, limit: number): ExpiredCount[] {
    if (limit <= 0) return [];
    // INDEXED BY: without statistics SQLite would pick the due index's state range (every pending row).
    const find = this.stmt('expired-find', `SELECT d.id, d.platform FROM deliveries d INDEXED BY deliveries_expiry_idx
        WHERE d.state = 'pending' AND d.expires_at IS NOT NULL AND d.expires_at <= ? ORDER BY d.expires_at LIMIT ?`);
    const expire = this.stmt('expire', `UPDATE deliveries SET state = 'expired', cap_day = NULL, cap_account_id = NULL, claimed_at = NULL, updated_at = ?
        WHERE id = ? AND state = 'pending'`);
    return this.sqlite.transaction(() => {
      const counts = new Map<PlatformName, number>();
      for (const row of find.all(now, limit) as { id: number; platform: PlatformName }[]) {
        if (expire.run(now, row.id).changes === 1) counts.set(row.platform, (counts.get(row.platform) ?? 0) + 1);
      }
      return [...counts].map(([platform, count]) => ({ platform, count }));
    })();
  }

  /**
   * Per platform and priority, the first `perPriority` due pending rows in due order (a range of
   * deliveries_due_idx, whatever the backlog), of which the alerts not yet expired give the platform its
   * oldest due time. A platform whose alerts all lie behind that many rows of its own other work is not seen.
   */
  oldestPendingAlerts(now: number, perPriority: number): OldestPendingAlert[] {
    const first = this.stmt('oldest-alerts', `SELECT min(f.due_at) AS dueAt
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

  claim(ids: readonly number[], now: number, results: readonly DeliveryResult[] = []): number[] {
    const update = this.stmt('claim', `UPDATE deliveries SET state = 'sending', claimed_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'`);
    return this.sqlite.transaction(() => {
      for (const r of results) this.recordOne(r);
      return ids.filter((id) => update.run(now, now, id).changes === 1);
    })();
  }

  nextDueAt(platforms: readonly PlatformName[], after: number): number | undefined {
    const first = this.stmt('next', `SELECT d.due_at AS due_at
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

  recordResults(results: readonly DeliveryResult[]): void {
    if (results.length === 0) return;
    this.sqlite.transaction(() => {
      for (const r of results) this.recordOne(r);
    })();
  }

  recoverInFlight(now: number): RecoveredDelivery[] {
    return this.sqlite.transaction(() => {
      const rows = this.sqlite.prepare(`SELECT d.id, dest.platform, dest.recipient_key, ${contentIdSql('d')} AS content_id, d.kind, d.claimed_at
          FROM ${WITH_DESTINATION} WHERE d.state = 'sending' ORDER BY d.id`)
        .all() as { id: number; platform: string; recipient_key: string; content_id: string; kind: string; claimed_at: number | null }[];
      this.sqlite.prepare(`UPDATE deliveries SET state = 'pending', claimed_at = NULL, updated_at = ? WHERE state = 'sending'`).run(now);
      return rows.map((r) => ({ id: r.id, platform: r.platform, recipientKey: r.recipient_key, contentId: r.content_id, kind: r.kind, claimedAt: r.claimed_at }));
    })();
  }

  listDead(options: { limit: number; platform?: PlatformName | undefined }): DeadDelivery[] {
    const where = [eq(deliveries.state, 'dead')];
    if (options.platform) where.push(eq(destinations.platform, options.platform));
    return this.deps.db
      .select({
        id: deliveries.id,
        platform: destinations.platform,
        recipientKey: destinations.recipientKey,
        destinationId: destinations.id,
        destinationEnabled: destinations.enabled,
        contentType: deliveries.contentType,
        contentId: sql<string>`${sql.raw(contentIdSql('"deliveries"'))}`,
        kind: deliveries.kind,
        attempts: deliveries.attempts,
        lastError: deliveries.lastError,
        lastErrorCode: deliveries.lastErrorCode,
        updatedAt: deliveries.updatedAt,
      })
      .from(deliveries)
      .innerJoin(destinations, eq(destinations.ref, deliveries.destinationRef))
      .where(and(...where))
      .orderBy(desc(deliveries.updatedAt), desc(deliveries.id))
      .limit(options.limit)
      .all();
  }

  retryDead(ids: readonly number[] | 'all', now: number): RetryDeadResult {
    const chosen = ids === 'all' ? sql`1` : sql`d.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
    return this.deps.db.transaction((tx) => {
      const counts = tx.get<{ retried: number; disabled: number }>(sql`
        SELECT count(*) AS retried, coalesce(sum(CASE WHEN dest.enabled = 1 THEN 0 ELSE 1 END), 0) AS disabled
        FROM ${sql.raw(WITH_DESTINATION)}
        WHERE d.state = 'dead' AND ${chosen}`);
      tx.run(sql`UPDATE deliveries AS d SET state = 'pending', attempts = 0, due_at = ${now}, claimed_at = NULL, updated_at = ${now}
        WHERE d.state = 'dead' AND ${chosen}`);
      return { retried: counts.retried, disabledDestination: counts.disabled };
    });
  }

  countByPlatformAndState(): QueueCount[] {
    return this.deps.db
      .select({ platform: destinations.platform, state: deliveries.state, count: sql<number>`count(*)` })
      .from(deliveries)
      .innerJoin(destinations, eq(destinations.ref, deliveries.destinationRef))
      .groupBy(destinations.platform, deliveries.state)
      .all() as { platform: string; state: DeliveryState; count: number }[];
  }

  private recordOne(r: DeliveryResult): void {
    switch (r.type) {
      case 'sent':
        this.stmt('sent', `UPDATE deliveries SET state = 'sent', platform_message_id = ?, sent_at = ?, attempts = attempts + 1,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.platformMessageId, r.at, r.at, r.id);
        return;
      case 'retry':
        this.stmt('retry', `UPDATE deliveries SET attempts = ?, due_at = ?, last_error = ?, last_error_code = ?,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.attempts, r.dueAt, r.error, r.errorCode, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'rate_limited':
        this.stmt('rate-limited', `UPDATE deliveries SET due_at = ?, last_error = ?, last_error_code = ?,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.dueAt, r.error, r.errorCode, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'deferred':
        this.stmt('deferred', `UPDATE deliveries SET due_at = ?, claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.dueAt, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'skipped':
        this.stmt('skipped', `UPDATE deliveries SET state = 'skipped', skip_reason = ?, cap_day = NULL, cap_account_id = NULL, claimed_at = NULL,
            updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.reason, r.at, r.id);
        return;
      case 'dead':
        this.markDead(r.id, r.attempts, r.error, r.errorCode, r.at);
        return;
      case 'permanent':
        this.markDead(r.id, r.attempts, r.error, r.errorCode, r.at);
        this.disableDestination(r);
        return;
    }
  }

  /**
   * A try that will be tried again waits as pending, unless its destination was disabled while it was
   * in flight (a workspace's app removed): then it is skipped, as the pending rows were, so a
   * reinstall does not send it late.
   */
  private requeue(id: number, at: number): void {
    this.stmt('requeue', `UPDATE deliveries SET
        state = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN 'pending' ELSE 'skipped' END,
        skip_reason = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN skip_reason ELSE 'destination_disabled' END,
        cap_day = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN cap_day END,
        cap_account_id = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN cap_account_id END,
        updated_at = ? WHERE id = ? AND state = 'sending'`)
      .run(at, id);
  }

  private markDead(id: number, attempts: number, error: string, errorCode: string, at: number): void {
    this.stmt('dead', `UPDATE deliveries SET state = 'dead', attempts = ?, last_error = ?, last_error_code = ?,
        claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
      .run(attempts, error, errorCode, at, id);
  }

  /** Disables the destination (once), skips its other pending deliveries and records why. */
  private disableDestination(r: Extract<DeliveryResult, { type: 'permanent' }>): void {
    const disabled = this.stmt('disable', `UPDATE destinations SET enabled = 0, disabled_reason = ?, disabled_at = ? WHERE id = ? AND enabled = 1`)
      .run(r.reason, r.at, r.destinationId).changes === 1;
    // A skipped row no longer counts toward a daily cap: it loses its cap fields.
    const skipped = this.stmt('skip-destination', `UPDATE deliveries SET state = 'skipped', skip_reason = 'destination_disabled', cap_day = NULL, cap_account_id = NULL, updated_at = ?
        WHERE destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND state = 'pending'`)
      .run(r.at, r.destinationId).changes;
    if (!disabled) return;
    this.audit.record({
      actor: 'system',
      action: 'destination.disabled',
      subjectType: 'destination',
      subjectId: r.destinationId,
      reason: r.reason,
      data: { platform: r.platform, recipientKey: r.recipientKey, deliveryId: r.id, answer: r.error, platformCode: r.errorCode, skippedDeliveries: skipped },
    });
  }

  /** The distinct priorities of these platforms' pending rows, ascending, from `from` on: one index probe each. */
  private pendingPriorities(platforms: readonly PlatformName[], from: number | undefined): number[] {
    const stmt = this.stmt('priorities', `WITH RECURSIVE p(v) AS (
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
    return this.stmt('platforms', `WITH RECURSIVE p(v) AS (
        SELECT (SELECT min(platform) FROM deliveries WHERE state = 'pending')
        UNION ALL
        SELECT (SELECT min(platform) FROM deliveries WHERE state = 'pending' AND platform > p.v) FROM p WHERE p.v IS NOT NULL
      ) SELECT v FROM p WHERE v IS NOT NULL`).pluck(true).all() as PlatformName[];
  }

  private stmt(key: string, source: string): Database.Statement {
    let s = this.statements.get(key);
    if (!s) {
      s = this.sqlite.prepare(source);
      this.statements.set(key, s);
    }
    return s;
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
