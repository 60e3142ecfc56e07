// Nightly pruning of the outbox: delivered, skipped and dead rows older than DELIVERED_RETENTION_DAYS, a bounded range of ids per statement, then the notices nothing points at.
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Db } from '../db/client';
import type { GuardableJob } from './guard';
import { yieldToOthers } from './time';

const DAY_MS = 86_400_000;

/** Nightly at 03:47 in the operator's time zone (off the billing reconcile at 04:17). */
export const PRUNE_SCHEDULE = '47 3 * * *';

/** Ids per DELETE: each statement looks at a bounded range of the primary key and holds the write lock briefly. */
export const PRUNE_BATCH = 5_000;

export interface PruneDeps {
  db: Db;
  clock: Clock;
  /** DELIVERED_RETENTION_DAYS; 0 keeps everything. */
  retentionDays: number;
  logger: Logger;
  /** Ids per statement (tests use a small one). */
  batchSize?: number | undefined;
}

export interface PruneResult {
  deliveries: number;
  notices: number;
  /** Before this (ms since the epoch) final rows went; null when retention is off. */
  cutoff: number | null;
}

/**
 * Which final rows of an id range may go (sent, dead, skipped, expired, superseded). Never a waiting, pending, held or sending row. Never the alert
 * row of a signal still open (no stopped or closed update yet): its updates thread on the alert's
 * message id. Never the row with the highest id: deliveries' ids (no AUTOINCREMENT) would be reused.
 * `+state`: SQLite is to walk the id range, not every final row through the state index.
 */
export const PRUNE_DELIVERIES_SQL = `DELETE FROM deliveries WHERE id > ? AND id <= ? AND +state IN ('sent', 'dead', 'skipped', 'expired', 'superseded') AND updated_at < ?
  AND id < (SELECT max(id) FROM deliveries)
  AND NOT (content_type = 'signal' AND kind = 'alert' AND NOT EXISTS (
    SELECT 1 FROM signals s JOIN signal_updates u ON u.signal_id = s.id
    WHERE s.ref = deliveries.content_ref AND u.kind IN ('stopped', 'closed')))`;

/** A notice of the retention's age that no delivery points at any more (each had one, pruned above). */
export const PRUNE_NOTICES_SQL = `DELETE FROM notices WHERE ref > ? AND ref <= ? AND created_at < ?
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.content_ref = notices.ref AND d.kind = 'notice')`;

/**
 * Deletes through a table in primary-key windows of `batch`, oldest first, yielding between them,
 * and stops at the first window whose first row was created after the cutoff (ids grow with time,
 * and a row changed before the cutoff was created before it).
 */
async function pruneByWindows(db: Db, table: 'deliveries' | 'notices', key: 'id' | 'ref', deleteSql: string, cutoff: number, batch: number): Promise<number> {
  const sqlite = db.$client;
  const first = sqlite.prepare(`SELECT ${key} AS k, created_at AS at FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT 1`);
  const remove = sqlite.prepare(deleteSql);
  let deleted = 0;
  let after = 0;
  for (;;) {
    const next = first.get(after) as { k: number; at: number } | undefined;
    if (!next || next.at >= cutoff) return deleted;
    const from = next.k - 1;
    deleted += remove.run(from, from + batch, cutoff).changes;
    after = from + batch;
    await yieldToOthers();
  }
}

/** One run: deletes in windows, yielding between them, and reports the counts. */
export async function pruneDeliveries(deps: PruneDeps): Promise<PruneResult> {
  if (deps.retentionDays <= 0) return { deliveries: 0, notices: 0, cutoff: null };
  const cutoff = deps.clock.now() - deps.retentionDays * DAY_MS;
  const batch = deps.batchSize ?? PRUNE_BATCH;
  const result: PruneResult = {
    deliveries: await pruneByWindows(deps.db, 'deliveries', 'id', PRUNE_DELIVERIES_SQL, cutoff, batch),
    notices: 0,
    cutoff,
  };
  result.notices = await pruneByWindows(deps.db, 'notices', 'ref', PRUNE_NOTICES_SQL, cutoff, batch);
  if (result.deliveries > 0 || result.notices > 0) deps.logger.info({ ...result }, `pruned ${result.deliveries} deliveries and ${result.notices} notices older than ${deps.retentionDays} days`);
  return result;
}

export function pruneJob(deps: PruneDeps, schedule: string = PRUNE_SCHEDULE): GuardableJob {
  return { name: 'prune-deliveries', schedule, maxDurationMs: 30 * 60_000, run: () => pruneDeliveries(deps) };
}
