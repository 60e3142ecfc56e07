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
  DueDelivery,
  DueQuery,
  ExpiredCount,
  OldestPendingAlert,
  QueueCount,
  RecoveredDelivery,
  RetryDeadResult,
} from '../../core/delivery/ports';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { deliveries, destinations } from '../schema';
import { SqliteAuditLog } from './audit-store';
import { DeliveryResults } from './delivery-results';
import { contentIdSql, DueReads, WITH_DESTINATION } from './due-reads';
import { StatementCache } from './statement-cache';

/**
 * The hot paths (find, claim, record) use prepared statements on the better-sqlite3 handle: they run
 * hundreds of times a second. The due reads are due-reads.ts; how a result changes its row, delivery-results.ts.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly sqlite: Database.Database;
  private readonly stmts: StatementCache;
  private readonly due: DueReads;
  private readonly results: DeliveryResults;

  constructor(private readonly deps: { db: Db; clock: Clock; audit?: AuditLog }) {
    this.sqlite = deps.db.$client;
    this.stmts = new StatementCache(this.sqlite);
    this.due = new DueReads(this.stmts);
    this.results = new DeliveryResults(this.stmts, deps.audit ?? new SqliteAuditLog({ db: deps.db, clock: deps.clock }));
  }

  findDue(query: DueQuery): DueDelivery[] {
    return this.due.findDue(query);
  }

  nextDueAt(platforms: readonly PlatformName[], after: number): number | undefined {
    return this.due.nextDueAt(platforms, after);
  }

  oldestPendingAlerts(now: number, perPriority: number): OldestPendingAlert[] {
    return this.due.oldestPendingAlerts(now, perPriority);
  }

  /**
   * The pending rows past their expires_at, oldest expiry first: a range of the partial index
   * deliveries_expiry_idx (only pending rows that can expire are in it), so the sweep reads exactly the
   * rows it expires, whatever the backlog. At most `limit` rows change per call, in one transaction.
   */
  expireDue(now: number, limit: number): ExpiredCount[] {
    if (limit <= 0) return [];
    // INDEXED BY: without statistics SQLite would pick the due index's state range (every pending row).
    const find = this.stmts.get('expired-find', `SELECT d.id, d.platform FROM deliveries d INDEXED BY deliveries_expiry_idx
        WHERE d.state = 'pending' AND d.expires_at IS NOT NULL AND d.expires_at <= ? ORDER BY d.expires_at LIMIT ?`);
    const expire = this.stmts.get('expire', `UPDATE deliveries SET state = 'expired', cap_day = NULL, cap_account_id = NULL, claimed_at = NULL, updated_at = ?
        WHERE id = ? AND state = 'pending'`);
    return this.sqlite.transaction(() => {
      const counts = new Map<PlatformName, number>();
      for (const row of find.all(now, limit) as { id: number; platform: PlatformName }[]) {
        if (expire.run(now, row.id).changes === 1) counts.set(row.platform, (counts.get(row.platform) ?? 0) + 1);
      }
      return [...counts].map(([platform, count]) => ({ platform, count }));
    })();
  }

  claim(ids: readonly number[], now: number, results: readonly DeliveryResult[] = []): number[] {
    const update = this.stmts.get('claim', `UPDATE deliveries SET state = 'sending', claimed_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'`);
    return this.sqlite.transaction(() => {
      for (const r of results) this.results.record(r);
      return ids.filter((id) => update.run(now, now, id).changes === 1);
    })();
  }

  recordResults(results: readonly DeliveryResult[]): void {
    if (results.length === 0) return;
    this.sqlite.transaction(() => {
      for (const r of results) this.results.record(r);
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
      // A dead quiet-hours digest took its window's held alerts with it (migration 0013's trigger). Retried, it holds
      // them again, so they go in it and not one by one; retrying them with it (--all) holds them too. First, so the
      // retry below no longer sees them dead.
      const heldAgain = tx.run(sql`UPDATE deliveries AS a SET state = 'held', updated_at = ${now}
        FROM (SELECT d.destination_ref, d.platform, d.content_ref FROM deliveries AS d WHERE d.state = 'dead' AND d.kind = 'digest' AND ${chosen}) AS g
        WHERE a.state = 'dead' AND a.kind = 'alert' AND a.platform = g.platform AND a.destination_ref = g.destination_ref
          AND a.due_at >= g.content_ref * 60000 AND a.due_at < (g.content_ref + 1) * 60000`).changes;
      const counts = tx.get<{ retried: number; disabled: number }>(sql`
        SELECT count(*) AS retried, coalesce(sum(CASE WHEN dest.enabled = 1 THEN 0 ELSE 1 END), 0) AS disabled
        FROM ${sql.raw(WITH_DESTINATION)}
        WHERE d.state = 'dead' AND ${chosen}`);
      tx.run(sql`UPDATE deliveries AS d SET state = 'pending', attempts = 0, due_at = ${now}, claimed_at = NULL, updated_at = ${now}
        WHERE d.state = 'dead' AND ${chosen}`);
      return { retried: counts.retried, disabledDestination: counts.disabled, heldAgain };
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
}
