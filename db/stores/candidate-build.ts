// Builds the candidate columns in the background: pages of destinations by rowid, each one short synchronous read, yielding between them.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { CandidateColumns } from './candidate-columns';
import { LAST_SEQ_SQL, MAX_ROWID_SQL, RANGE_SQL, type CandidateRow } from './candidate-rows';

/** What a background build gives: the columns as read, and the change-log seq they are current from. */
export type BuildResult = { kind: 'built'; columns: CandidateColumns; fromSeq: number } | { kind: 'too_many' } | { kind: 'stopped' };

export interface BuildOptions {
  /** Lets the event loop run between pages. */
  yieldNow: () => Promise<void>;
  /** Destination rowids per page: one page is one synchronous read (about 5 µs a candidate). */
  pageSize: number;
  /** More candidates than this and the build gives up (they are too many to keep). */
  maxCached: number;
}

/**
 * One build. The change-log seq is read before the first page: whatever changed after it is in
 * the log, and the cache patches it in before using the columns, so pages read at different
 * moments still add up to what is committed. `stop()` ends it before its next page.
 */
export class CandidateBuild {
  readonly done: Promise<BuildResult>;
  private stopped = false;
  private readonly rangeStmt: Statement<[number, number], CandidateRow>;
  private readonly maxRowidStmt: Statement<[], number>;
  private readonly lastSeqStmt: Statement<[], [number, number]>;

  constructor(private readonly sqlite: Database.Database, private readonly options: BuildOptions) {
    this.rangeStmt = sqlite.prepare<[number, number], CandidateRow>(RANGE_SQL).raw(true);
    this.maxRowidStmt = sqlite.prepare<[], number>(MAX_ROWID_SQL).pluck(true);
    this.lastSeqStmt = sqlite.prepare<[], [number, number]>(LAST_SEQ_SQL).raw(true);
    this.done = this.run();
  }

  /** Ends the build before its next page: nothing touches the database afterwards. */
  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<BuildResult> {
    // Never inside the caller's transaction (refresh() starts a build from within one).
    await this.nextPage();
    if (this.stopped || !this.sqlite.open) return { kind: 'stopped' };
    const [fromSeq] = this.lastSeqStmt.get() ?? [0];
    const last = this.maxRowidStmt.get() ?? 0;
    const columns = new CandidateColumns(Math.min(last, this.options.maxCached) + 1);
    for (let from = 0; from < last; from += this.options.pageSize) {
      columns.add(this.rangeStmt.all(from, from + this.options.pageSize));
      if (columns.length > this.options.maxCached) return { kind: 'too_many' };
      await this.nextPage();
      if (this.stopped || !this.sqlite.open) return { kind: 'stopped' };
    }
    // Shrinking the arrays to fit is a copy each: one per turn.
    for (const _ of columns.finishing()) {
      await this.nextPage();
      if (this.stopped || !this.sqlite.open) return { kind: 'stopped' };
    }
    return { kind: 'built', columns, fromSeq };
  }

  /** Yields, and again while a transaction is open on the connection (a page must read only what is committed). */
  private async nextPage(): Promise<void> {
    do await this.options.yieldNow();
    while (!this.stopped && this.sqlite.open && this.sqlite.inTransaction);
  }
}
