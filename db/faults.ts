// Database faults a caller should wait out (busy, full, unwritable), told apart from bugs, and a probe for /readyz.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { SignalcastError } from '../core/errors';

export type DatabaseFaultKind = 'busy' | 'full' | 'unwritable';

const DESCRIPTIONS: Record<DatabaseFaultKind, string> = {
  busy: 'the database is busy (another connection holds the write lock)',
  full: 'the database or its disk is full',
  unwritable: 'the database cannot be written',
};

/** How long a caller should wait before trying again, per fault. */
const RETRY_AFTER_SECONDS: Record<DatabaseFaultKind, number> = { busy: 1, full: 30, unwritable: 30 };

/** Below this much free disk space the database is reported full before a write fails. */
const MIN_FREE_BYTES = 1024 * 1024;

/** The database cannot take the write now; nothing was stored, and the same request may be sent again later. */
export class DatabaseUnavailableError extends SignalcastError {
  readonly kind: DatabaseFaultKind;
  readonly retryAfterSeconds: number;
  constructor(kind: DatabaseFaultKind, options?: { cause?: unknown }) {
    super('unavailable', `${DESCRIPTIONS[kind]}; try again later`, options);
    this.name = 'DatabaseUnavailableError';
    this.kind = kind;
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[kind];
  }
}

/** Which passing fault a better-sqlite3 error is, or undefined for anything else (a bug, a constraint). */
export function toDatabaseFault(err: unknown): DatabaseFaultKind | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM') return 'unwritable';
  return undefined;
}

/** `err` as a DatabaseUnavailableError when it is (or is caused by) a passing database fault, else undefined. */
export function toUnavailable(err: unknown): DatabaseUnavailableError | undefined {
  if (err instanceof DatabaseUnavailableError) return err;
  const kind = toDatabaseFault(err);
  return kind ? new DatabaseUnavailableError(kind, { cause: err }) : undefined;
}

/** Runs `fn`; a passing database fault is rethrown as DatabaseUnavailableError, anything else as it was. */
export function mapDatabaseFaults<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toUnavailable(err) ?? err;
  }
}

/**
 * Whether a write could happen now, without waiting: takes and releases the write lock with no
 * busy timeout, checks the page limit and the disk's free space. Returns 'ok' or what is wrong.
 */
export function probeWritable(sqlite: Database.Database): 'ok' | string {
  if (sqlite.readonly) return DESCRIPTIONS.unwritable;
  const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
  } catch (err) {
    return DESCRIPTIONS[toDatabaseFault(err) ?? 'unwritable'];
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
  const pages = sqlite.pragma('page_count', { simple: true }) as number;
  const maxPages = sqlite.pragma('max_page_count', { simple: true }) as number;
  const free = sqlite.pragma('freelist_count', { simple: true }) as number;
  if (pages >= maxPages && free === 0) return DESCRIPTIONS.full;
  if (!sqlite.memory && freeDiskBytes(sqlite.name) < MIN_FREE_BYTES) return DESCRIPTIONS.full;
  return 'ok';
}

function freeDiskBytes(path: string): number {
  try {
    const stats = statfsSync(dirname(path));
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Fails fast while the database is known to be busy: after a busy fault, writes in the next
 * `quietMs` run with no busy timeout, so a queue of requests does not each block the event loop
 * for the full timeout. Nothing is retried here; the caller gets 503 and retries.
 */
export class BusyGate {
  private busyUntil = 0;
  constructor(private readonly sqlite: Database.Database, private readonly now: () => number, private readonly quietMs = 1_000) {}

  run<T>(fn: () => T): T {
    const failFast = this.now() < this.busyUntil;
    const timeout = failFast ? (this.sqlite.pragma('busy_timeout', { simple: true }) as number) : 0;
    if (failFast) this.sqlite.pragma('busy_timeout = 0');
    try {
      return mapDatabaseFaults(fn);
    } catch (err) {
      if (err instanceof DatabaseUnavailableError && err.kind === 'busy') this.busyUntil = this.now() + this.quietMs;
      throw err;
    } finally {
      if (failFast) this.sqlite.pragma(`busy_timeout = ${timeout}`);
    }
  }
}
