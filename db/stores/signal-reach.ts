// signal_reach at planning: which plans a signal's alert was planned for (not skipped), read by the track record per plan.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { PlannedDeliveries } from '../../core/publishing/ports';

const REACH_SQL = 'INSERT INTO signal_reach (signal_ref, plan_id) VALUES (?, ?) ON CONFLICT DO NOTHING';

/** One prepared statement per database, so that a publish prepares nothing. */
const statements = new WeakMap<Database.Database, Statement<[number, string]>>();

/**
 * Writes one row per (signal, plan) with at least one alert row not skipped, in the caller's (the
 * publishing) transaction. Other kinds reach no plan their alert did not; candidate batches may
 * repeat a plan (the unique index keeps one row).
 */
export function writeSignalReach(sqlite: Database.Database, p: Pick<PlannedDeliveries, 'signal' | 'kind' | 'recipients'>): void {
  if (p.kind !== 'alert') return;
  const plans = new Set<string>();
  for (const r of p.recipients) if (r.state !== 'skipped') plans.add(r.planId);
  if (plans.size === 0) return;
  let stmt = statements.get(sqlite);
  if (!stmt) {
    stmt = sqlite.prepare<[number, string]>(REACH_SQL);
    statements.set(sqlite, stmt);
  }
  for (const planId of plans) stmt.run(p.signal.ref, planId);
}
