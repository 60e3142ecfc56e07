// `signalcast migrate`: apply the committed migrations (the service also does this at every start).
import { appliedMigrationCount, runMigrations, type Db } from '../../db/client';
import type { CliIo } from '../io';

/** Applies what is missing and says how many were new. */
export function migrateDatabase(deps: { db: Db; io: CliIo }): { applied: number; total: number } {
  const before = appliedMigrationCount(deps.db) ?? 0;
  runMigrations(deps.db);
  const total = appliedMigrationCount(deps.db) ?? 0;
  const applied = total - before;
  deps.io.out(applied === 0 ? `Database is up to date (${total} migrations).` : `Applied ${applied} migration${applied === 1 ? '' : 's'} (${total} in all).`);
  return { applied, total };
}
