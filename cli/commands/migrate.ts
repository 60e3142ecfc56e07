// `signalcast migrate`: apply the committed migrations (the service also does this at every start).
import { runMigrations, type Db } from '../../db/client';
import type { CliIo } from '../io';

function appliedCount(db: Db): number {
  const table = db.$client.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!table) return 0;
  return (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}

/** Applies what is missing and says how many were new. */
export function migrateDatabase(deps: { db: Db; io: CliIo }): { applied: number; total: number } {
  const before = appliedCount(deps.db);
  runMigrations(deps.db);
  const total = appliedCount(deps.db);
  const applied = total - before;
  deps.io.out(applied === 0 ? `Database is up to date (${total} migrations).` : `Applied ${applied} migration${applied === 1 ? '' : 's'} (${total} in all).`);
  return { applied, total };
}
