// The planner's candidate source on SQLite: the kept candidates (candidate-cache.ts) and each account's daily-cap usage.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { CandidateBatch, CandidateChunk, CandidateSource } from '../../core/publishing/ports';
import type { PlatformName } from '../../core/types';
import { CandidateCache } from './candidate-cache';

/**
 * Every account's count of distinct signals toward its daily cap on a UTC day: one range of the
 * covering index deliveries_cap_usage_idx (only counted rows carry cap_day). Exported for its
 * query-plan test.
 */
export const USAGE_SQL = `
  SELECT cap_account_id, COUNT(DISTINCT content_ref) FROM deliveries WHERE cap_day = ? AND content_ref <> ? GROUP BY cap_account_id`;

export interface CandidateSourceOptions {
  /** Milliseconds since the epoch, for pruning the change log. */
  now: () => number;
  /** The most candidates kept in memory (CandidateCache's maxCached). */
  maxCached?: number | undefined;
  /** Large (re)builds of the cache in the background, yielding between pages (CandidateCache's background). */
  background?: { yieldNow: () => Promise<void> } | undefined;
}

export class SqliteCandidateSource implements CandidateSource {
  private readonly cache: CandidateCache;
  private readonly usageStmt: Statement<[string, number], [string, number]>;

  constructor(sqlite: Database.Database, options: CandidateSourceOptions) {
    this.cache = new CandidateCache(sqlite, {
      now: options.now, background: options.background, ...(options.maxCached === undefined ? {} : { maxCached: options.maxCached }),
    });
    this.usageStmt = sqlite.prepare<[string, number], [string, number]>(USAGE_SQL).raw(true);
  }

  batches(): Iterable<CandidateBatch> {
    return this.cache.batches();
  }

  after(cursor: number, limit: number): CandidateChunk {
    return this.cache.after(cursor, limit);
  }

  countsByPlatform(): ReadonlyMap<PlatformName, number> {
    return this.cache.countsByPlatform();
  }

  /** Only counted rows carry cap_day; refs start at 1, so 0 excepts nothing. */
  usageOn(utcDay: string, exceptSignalRef = 0): ReadonlyMap<string, number> {
    return new Map(this.usageStmt.all(utcDay, exceptSignalRef));
  }

  refresh(): void {
    this.cache.refresh();
  }

  /** Resolves once no background build of the cache is under way. */
  ready(): Promise<void> {
    return this.cache.ready();
  }

  /** How many candidates are kept in memory (0 while each use reads them from the database). */
  get kept(): number {
    return this.cache.size;
  }

  /** Stops a background build before its next page; call before the database closes. */
  close(): void {
    this.cache.close();
  }
}
