// What /readyz reports: the database answers, every migration is applied, and we are not shutting down.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/client';
import { appliedMigrationCount, MIGRATIONS_FOLDER } from '../db/client';
import { probeWritable } from '../db/faults';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** A readiness check: 'ok', or a short reason that is safe to show to anyone. */
export type ReadinessCheck = () => 'ok' | string;

export interface Readiness {
  report(): ReadinessReport;
  /** From now on the service reports itself not ready (it is draining). */
  markShuttingDown(): void;
}

export function createReadiness(checks: Record<string, ReadinessCheck>): Readiness {
  let shuttingDown = false;
  return {
    report() {
      const results: Record<string, string> = {};
      for (const [name, check] of Object.entries(checks)) {
        try {
          results[name] = check();
        } catch {
          results[name] = 'failed';
        }
      }
      if (shuttingDown) results.shutdown = 'shutting down';
      return { ready: Object.values(results).every((r) => r === 'ok'), checks: results };
    },
    markShuttingDown() {
      shuttingDown = true;
    },
  };
}

function expectedMigrations(folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * The database answers a query, has applied every committed migration, and could take a write
 * now (not busy, full or read-only); else the reason, e.g. "the database is busy (...)".
 */
export function databaseCheck(db: Db, migrationsFolder = MIGRATIONS_FOLDER): ReadinessCheck {
  const expected = expectedMigrations(migrationsFolder);
  return () => {
    db.$client.prepare('select 1').get();
    const applied = appliedMigrationCount(db);
    if (applied === undefined) return 'migrations not applied';
    if (applied < expected) return `migrations pending (${applied} of ${expected} applied)`;
    return probeWritable(db.$client);
  };
}
