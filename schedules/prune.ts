// Nightly pruning of the outbox: delivered, skipped and dead rows older than DELIVERED_RETENTION_DAYS, in batches, then the notices nothing points at.
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Db } from '../db/client';
import type { GuardableJob } from './guard';
import { yieldToOthers } from './time';

const DAY_MS = 86_400_000;

/** Nightly at 03:47 in the operator's time zone (off the billing reconcile at 04:17). */
export const PRUNE_SCHEDULE = '47 3 * * *';

/** Rows per DELETE: each statement holds the write lock only briefly. */
export const PRUNE_BATCH = 2_000;

export interface PruneDeps {
  db: Db;
  clock: Clock;
  /** DELIVERED_RETENTION_DAYS; 0 keeps everything. */
  retentionDays: number;
  logger: Logger;
  /** Rows per statement (tests use a small one). */
  batchSize?: number | undefined;
}

export interface PruneResult {
  deliveries: number;
  notices: number;
  /** Before this (ms since the epoch) final rows went; null when retention is off. */
  cutoff: number | null;
}

/**
 * Which final rows may go. Never a waiting, pending or sending row. Never the alert row of a signal
 * still open (no stopped or closed update yet): its updates thread on the alert's message id. Never
 * the row with the highest id: deliveries' ids (no AUTOINCREMENT) would otherwise be reused.
 */
const PRUNABLE = `state IN ('sent', 'skipped', 'dead') AND updated_at < ?
  AND id < (SELECT max(id) FROM deliveries)
  AND NOT (content_type = 'signal' AND kind = 'alert' AND NOT EXISTS (
    SELECT 1 FROM signals s JOIN signal_updates u ON u.signal_id = s.id
    WHERE s.ref = deliveries.content_ref AND u.kind IN ('stopped', 'closed')))`;

/** One run: deletes in batches, yielding between them, and reports the counts. */
export async function pruneDeliveries(deps: PruneDeps): Promise<PruneResult> {
  if (deps.retentionDays <= 0) return { deliveries: 0, notices: 0, cutoff: null };
  const cutoff = deps.clock.now() - deps.retentionDays * DAY_MS;
  const batch = deps.batchSize ?? PRUNE_BATCH;
  const sqlite = deps.db.$client;
  const deleteDeliveries = sqlite.prepare(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE ${PRUNABLE} LIMIT ?)`);
  // A notice of the retention's age with no delivery left (each notice has one, deleted above).
  const deleteNotices = sqlite.prepare(`DELETE FROM notices WHERE ref IN (SELECT n.ref FROM notices n WHERE n.created_at < ?
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.content_ref = n.ref AND d.kind = 'notice') LIMIT ?)`);
  const result: PruneResult = { deliveries: 0, notices: 0, cutoff };
  for (;;) {
    const { changes } = deleteDeliveries.run(cutoff, batch);
    result.deliveries += changes;
    if (changes < batch) break;
    await yieldToOthers();
  }
  for (;;) {
    const { changes } = deleteNotices.run(cutoff, batch);
    result.notices += changes;
    if (changes < batch) break;
    await yieldToOthers();
  }
  if (result.deliveries > 0 || result.notices > 0) deps.logger.info({ ...result }, `pruned ${result.deliveries} deliveries and ${result.notices} notices older than ${deps.retentionDays} days`);
  return result;
}

export function pruneJob(deps: PruneDeps, schedule: string = PRUNE_SCHEDULE): GuardableJob {
  return { name: 'prune-deliveries', schedule, maxDurationMs: 30 * 60_000, run: () => pruneDeliveries(deps) };
}
