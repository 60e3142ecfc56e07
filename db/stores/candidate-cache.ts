// The planner's candidates, kept as columns and brought up to date from the planning_changes log before each use.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { Candidate } from '../../core/planning/types';
import type { PlatformName } from '../../core/types';
import { CandidateBuild, type BuildResult } from './candidate-build';
import { CandidateColumns } from './candidate-columns';
import { KeptCandidates } from './candidate-kept';
import {
  ACCOUNTS_OF_SQL, ALL_SQL, BOUND_SQL, CHANGES_SQL, COUNT_SQL, DESTINATIONS_OF_SQL, LAST_SEQ_SQL, MAX_ROWID_SQL, PRUNE_SQL, RANGE_SQL, SOME_SQL,
  readCandidates, type CachedCandidate, type CandidateRow, type ChangeRow,
} from './candidate-rows';

export type { CachedCandidate } from './candidate-rows';

/** Some of the candidates, and the integer key of each. */
export interface CandidateBatch {
  candidates: Iterable<Candidate>;
  refOf(destinationId: string): number | undefined;
}

/** The candidates above a cursor, in ascending ref order (see CandidateCache.after). */
export interface CandidateChunk extends CandidateBatch {
  size: number;
  lastRef: number;
  more: boolean;
}

export interface CandidateCacheOptions {
  /**
   * The most candidates kept in memory (as columns, about 200 bytes each). With more, nothing is kept and every
   * use reads them from the database in batches of `batchSize` destinations: slower, but memory stays flat.
   */
  maxCached?: number;
  /** Destination rowids per batch when reading from the database. */
  batchSize?: number;
  /** More pending changes than this and the cache is rebuilt instead of patched. */
  maxPatch?: number;
  /** Change-log rows older than this are pruned (by whichever process reads the log). */
  keepChangesMs?: number;
  /** Milliseconds since the epoch, for pruning. */
  now?: () => number;
  /**
   * Builds off the caller's stack: a (re)build of more than `syncBuildMax` destinations reads them
   * in pages of `buildPageSize`, yielding between pages, while every use reads from the database
   * (correct at once). Without it every build is one synchronous read.
   */
  background?: { yieldNow: () => Promise<void> } | undefined;
  /** Destinations (by the highest rowid) read in one go even with `background` (about 5 ms a thousand). */
  syncBuildMax?: number;
  /** Destination rowids per page of a background build: one page is one synchronous read. */
  buildPageSize?: number;
  /** Destinations re-read since the build past which the columns are built again. */
  maxOverlay?: number;
}

const DEFAULTS = { maxCached: 1_000_000, batchSize: 5_000, maxPatch: 2_000, keepChangesMs: 3_600_000, syncBuildMax: 5_000, buildPageSize: 1_000, maxOverlay: 20_000 };

function toChunk(slice: readonly CachedCandidate[], cursor: number, more: boolean): CandidateChunk {
  const refs = new Map(slice.map((c) => [c.candidate.destinationId, c.ref]));
  const last = slice[slice.length - 1];
  return { candidates: slice.map((c) => c.candidate), refOf: (id) => refs.get(id), size: slice.length, lastRef: last ? last.ref : cursor, more };
}

/**
 * The candidates of every signal, in memory as columns. Triggers on destinations, identities, accounts and
 * subscriptions log what changed in planning_changes (from any process); before each use the cache
 * re-reads the destinations and accounts named there since its last look into an overlay, or rebuilds when many
 * changed or the log was pruned past it. Read inside the publishing transaction, it is exactly
 * what is committed. Above `maxCached` candidates, and while a background build runs, it reads them in batches.
 */
export class CandidateCache {
  private kept: KeptCandidates | null = null;
  private seenSeq = -1;
  /** The last look found more candidates than maxCached. */
  private tooMany = false;
  private build: CandidateBuild | null = null;
  /** The build under way and its adoption; null when none. */
  private building: Promise<void> | null = null;
  private buildError: unknown = null;
  private closed = false;
  private lastPrune = 0;
  private readonly options: typeof DEFAULTS & Pick<CandidateCacheOptions, 'background'> & { now: () => number };
  private readonly allStmt: Statement<[], CandidateRow>;
  private readonly rangeStmt: Statement<[number, number], CandidateRow>;
  private readonly countStmt: Statement<[], [string, number]>;
  private readonly boundStmt: Statement<[number, number], number>;
  /** Candidates per platform as of seenSeq; null: count again. */
  private counts: Map<PlatformName, number> | null = null;
  private readonly maxRowidStmt: Statement<[], number>;
  private readonly someStmt: Statement<[string], CandidateRow>;
  private readonly accountsOfStmt: Statement<[string], string>;
  private readonly destinationsOfStmt: Statement<[{ ids: string }], string>;
  private readonly changesStmt: Statement<[number, number], ChangeRow>;
  private readonly lastSeqStmt: Statement<[], [number, number]>;
  private readonly pruneStmt: Statement<[number]>;
  /** How often the cache was rebuilt, and how many destinations it re-read by patching. */
  readonly stats = { rebuilds: 0, patched: 0 };

  constructor(private readonly sqlite: Database.Database, options: CandidateCacheOptions = {}) {
    this.options = { ...DEFAULTS, now: Date.now, ...options };
    this.allStmt = sqlite.prepare<[], CandidateRow>(ALL_SQL).raw(true);
    this.rangeStmt = sqlite.prepare<[number, number], CandidateRow>(RANGE_SQL).raw(true);
    this.countStmt = sqlite.prepare<[], [string, number]>(COUNT_SQL).raw(true);
    this.boundStmt = sqlite.prepare<[number, number], number>(BOUND_SQL).pluck(true);
    this.maxRowidStmt = sqlite.prepare<[], number>(MAX_ROWID_SQL).pluck(true);
    this.someStmt = sqlite.prepare<[string], CandidateRow>(SOME_SQL).raw(true);
    this.accountsOfStmt = sqlite.prepare<[string], string>(ACCOUNTS_OF_SQL).pluck(true);
    this.destinationsOfStmt = sqlite.prepare<[{ ids: string }], string>(DESTINATIONS_OF_SQL).pluck(true);
    this.changesStmt = sqlite.prepare<[number, number], ChangeRow>(CHANGES_SQL).raw(true);
    this.lastSeqStmt = sqlite.prepare<[], [number, number]>(LAST_SEQ_SQL).raw(true);
    this.pruneStmt = sqlite.prepare<[number]>(PRUNE_SQL);
  }

  /**
   * The candidates as committed now, in ascending ref: batches of `batchSize`, from memory when
   * kept, else read one after another. Use inside the transaction that relies on them, and use
   * each batch before asking for the next.
   */
  *batches(): Generator<CandidateBatch> {
    this.refresh();
    const kept = this.kept;
    if (kept !== null) {
      let cursor = 0;
      for (let more = true; more; ) {
        const page = kept.after(cursor, this.options.batchSize);
        yield toChunk(page.slice, cursor, page.more);
        more = page.more;
        cursor = page.slice.at(-1)?.ref ?? cursor;
      }
      return;
    }
    const last = this.maxRowidStmt.get() ?? 0;
    for (let from = 0; from < last; from += this.options.batchSize) {
      // Read whole: better-sqlite3 runs nothing else while an iterator is open, and the caller runs statements.
      yield toChunk(readCandidates(this.rangeStmt.all(from, from + this.options.batchSize)), from, true);
    }
  }

  /**
   * The candidates whose ref is above `cursor`, in ascending ref order, at most `limit`, as
   * committed now: from memory when kept (the columns merged with what was re-read since), else read by rowid range.
   * Use inside the transaction that relies on them.
   */
  after(cursor: number, limit: number): CandidateChunk {
    this.refresh();
    if (this.kept !== null) {
      const { slice, more } = this.kept.after(cursor, limit);
      return toChunk(slice, cursor, more);
    }
    const [bound, next] = this.boundStmt.all(cursor, Math.max(0, limit - 1));
    const upper = bound ?? this.maxRowidStmt.get() ?? cursor;
    return toChunk(readCandidates(this.rangeStmt.all(cursor, upper)), cursor, next !== undefined);
  }

  /** Candidates per platform as committed now; counted again only when the change log moved. */
  countsByPlatform(): ReadonlyMap<PlatformName, number> {
    this.refresh();
    if (this.counts === null) {
      if (this.kept !== null) this.counts = this.kept.countsByPlatform();
      else this.counts = new Map(this.countStmt.all().map(([platform, n]) => [platform as PlatformName, n]));
    }
    return this.counts;
  }

  /** Every candidate as committed now (for tests and tools; publishing goes through `after`). */
  candidates(): Candidate[] {
    const out: Candidate[] = [];
    for (const batch of this.batches()) for (const c of batch.candidates) out.push(c);
    return out;
  }

  /** How many candidates the cache holds (0 when it reads them each time). */
  get size(): number {
    return this.kept?.size ?? 0;
  }

  /** Whether each use reads the candidates (too many to keep, or a background build under way). */
  get readsEachTime(): boolean {
    return this.kept === null;
  }

  /** Applies the logged changes since the last look, or rebuilds (in the background when given one and large). */
  refresh(): void {
    const [lastSeq, firstSeq] = this.lastSeqStmt.get() ?? [0, 1];
    if (this.kept === null) {
      if (lastSeq !== this.seenSeq) {
        // Streaming while a build runs (it patches in what changed since it began), else: do they fit again?
        if (this.build === null && !this.closed) this.rebuild(lastSeq);
        else this.seenSeq = lastSeq;
        this.counts = null;
      }
    } else if (firstSeq > this.seenSeq + 1 || lastSeq - this.seenSeq > this.options.maxPatch) {
      this.rebuild(lastSeq);
    } else if (lastSeq > this.seenSeq) {
      this.patch(this.kept, this.changesStmt.all(this.seenSeq, this.options.maxPatch + 1));
      this.seenSeq = lastSeq;
      if (this.kept.size > this.options.maxCached) this.stopKeeping(true);
      else if (this.kept.overlaySize > this.options.maxOverlay) this.fold(lastSeq, this.kept.size);
    }
    this.pruneNow();
  }

  /** Resolves once no build is under way (for tests, tools and the benchmark); rejects with a build's failure. */
  async ready(): Promise<void> {
    while (this.building !== null) await this.building;
    const err = this.buildError;
    this.buildError = null;
    if (err !== null) throw err;
  }

  /** Stops a background build before its next page and starts none again: call before the database closes. */
  close(): void {
    this.closed = true;
    this.build?.stop();
    this.build = null;
  }

  private rebuild(lastSeq: number): void {
    this.seenSeq = lastSeq;
    this.counts = null;
    const background = this.options.background;
    if (background && !this.closed && (this.maxRowidStmt.get() ?? 0) > this.options.syncBuildMax) {
      // Whether they fit again is one count; the build itself reads them page by page.
      if (this.tooMany && this.total() > this.options.maxCached) return this.stopKeeping(true);
      this.stopKeeping(false);
      this.startBuild(background.yieldNow);
      return;
    }
    this.build?.stop();
    this.build = null;
    const total = this.total();
    if (total > this.options.maxCached) return this.stopKeeping(true);
    this.tooMany = false;
    // Read in rowid order: the columns are sorted by ref.
    const columns = new CandidateColumns(total);
    columns.add(this.allStmt.iterate());
    this.kept = new KeptCandidates(columns.finish());
    this.stats.rebuilds++;
  }

  /** Counts the committed candidates per platform (kept as the counts) and gives their total. */
  private total(): number {
    const counts = new Map(this.countStmt.all().map(([platform, n]) => [platform as PlatformName, n]));
    this.counts = counts;
    let total = 0;
    for (const n of counts.values()) total += n;
    return total;
  }

  /** The overlay is past its bound: build the columns again, in the background when large (kept and patched meanwhile). */
  private fold(lastSeq: number, size: number): void {
    const background = this.options.background;
    if (background && !this.closed && size > this.options.syncBuildMax) {
      if (this.build === null) this.startBuild(background.yieldNow);
    } else {
      this.rebuild(lastSeq);
    }
  }

  private startBuild(yieldNow: () => Promise<void>): void {
    const build = new CandidateBuild(this.sqlite, { yieldNow, pageSize: this.options.buildPageSize, maxCached: this.options.maxCached });
    this.build = build;
    const building: Promise<void> = build.done
      .then((result) => this.adopt(build, result))
      .catch((err: unknown) => {
        this.buildError = err;
        if (this.build === build) this.build = null;
        // Streaming stays correct; the next refresh tries again.
        if (this.kept === null) this.seenSeq = -1;
      })
      .finally(() => {
        if (this.building === building) this.building = null;
      });
    this.building = building;
  }

  /** A finished build becomes the kept candidates, patched with what changed while it read. */
  private adopt(build: CandidateBuild, result: BuildResult): void {
    if (this.build !== build) return;
    this.build = null;
    if (this.closed || result.kind === 'stopped') return;
    if (result.kind === 'too_many') {
      this.tooMany = true;
      return this.stopKeeping(true);
    }
    this.tooMany = false;
    this.kept = new KeptCandidates(result.columns);
    this.seenSeq = result.fromSeq;
    this.counts = null;
    this.stats.rebuilds++;
    // One read transaction: the patch's statements see one committed state.
    this.sqlite.transaction(() => this.refresh())();
  }

  private stopKeeping(tooMany: boolean): void {
    this.tooMany = tooMany;
    this.kept = null;
  }

  private patch(kept: KeptCandidates, changes: readonly ChangeRow[]): void {
    const destinationIds = new Set<string>();
    const accountIds = new Set<string>();
    for (const [, destinationId, accountId] of changes) {
      if (destinationId !== null) destinationIds.add(destinationId);
      if (accountId !== null) accountIds.add(accountId);
    }
    // A changed destination brings every destination of its account (or owner), so that one account stays one object.
    for (const id of this.accountsOfStmt.all(JSON.stringify([...destinationIds]))) accountIds.add(id);
    for (const id of this.destinationsOfStmt.all({ ids: JSON.stringify([...accountIds]) })) destinationIds.add(id);
    const still = new Set<string>();
    for (const { ref, candidate } of readCandidates(this.someStmt.all(JSON.stringify([...destinationIds])))) {
      kept.put(ref, candidate);
      still.add(candidate.destinationId);
    }
    for (const id of destinationIds) if (!still.has(id)) kept.remove(id);
    this.stats.patched += destinationIds.size;
    this.counts = null;
  }

  private pruneNow(): void {
    const now = this.options.now();
    if (now - this.lastPrune < this.options.keepChangesMs / 4) return;
    this.lastPrune = now;
    this.pruneStmt.run(now - this.options.keepChangesMs);
  }
}
