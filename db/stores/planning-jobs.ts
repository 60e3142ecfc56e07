// planning_jobs on SQLite: each signal's planning after the 202 (its cursor and counts), read and advanced inside the chunk's transaction.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { ExcludedCounts, JobProgress, PlanningJob, PlanningJobState, PlanningJobStore } from '../../core/publishing/planning-jobs';

type JobRow = {
  signal_ref: number; state: PlanningJobState; cursor: number; candidates: number; planned: number; skipped: number; excluded: string | null;
  created_at: number; updated_at: number;
};

const COLUMNS = 'signal_ref, state, cursor, candidates, planned, skipped, excluded, created_at, updated_at';

function toJob(r: JobRow): PlanningJob {
  return {
    signalRef: r.signal_ref, state: r.state, cursor: r.cursor, candidates: r.candidates, planned: r.planned, skipped: r.skipped,
    excluded: r.excluded === null ? {} : (JSON.parse(r.excluded) as ExcludedCounts), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export class SqlitePlanningJobs implements PlanningJobStore {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], JobRow>;
  private readonly advanceStmt: Statement;
  private readonly nextStmt: Statement<[], JobRow>;
  private readonly cancelStmt: Statement<[number, number]>;

  constructor(sqlite: Database.Database) {
    this.insertStmt = sqlite.prepare(`INSERT INTO planning_jobs (${COLUMNS})
      VALUES (@signalRef, @state, @cursor, @candidates, @planned, @skipped, @excluded, @createdAt, @createdAt)`);
    this.getStmt = sqlite.prepare<[number], JobRow>(`SELECT ${COLUMNS} FROM planning_jobs WHERE signal_ref = ?`);
    this.advanceStmt = sqlite.prepare(`UPDATE planning_jobs SET state = @state, cursor = @cursor, planned = @planned, skipped = @skipped,
      excluded = @excluded, updated_at = @now WHERE signal_ref = @signalRef AND state = 'planning'`);
    // Newest first: one step down planning_jobs_state_idx (state, then the rowid, which is signal_ref).
    this.nextStmt = sqlite.prepare<[], JobRow>(`SELECT ${COLUMNS} FROM planning_jobs WHERE state = 'planning' ORDER BY signal_ref DESC LIMIT 1`);
    this.cancelStmt = sqlite.prepare<[number, number]>(`UPDATE planning_jobs SET state = 'cancelled', updated_at = ? WHERE signal_ref = ? AND state = 'planning'`);
  }

  insert(job: Omit<PlanningJob, 'updatedAt'>): void {
    this.insertStmt.run({ ...job, excluded: JSON.stringify(job.excluded) });
  }

  get(signalRef: number): PlanningJob | undefined {
    const row = this.getStmt.get(signalRef);
    return row ? toJob(row) : undefined;
  }

  advance(signalRef: number, progress: JobProgress, now: number): boolean {
    return this.advanceStmt.run({ ...progress, excluded: JSON.stringify(progress.excluded), signalRef, now }).changes === 1;
  }

  nextPlanning(): PlanningJob | undefined {
    const row = this.nextStmt.get();
    return row ? toJob(row) : undefined;
  }

  /** Plans nothing more for the signal (a stop or close came first); false when it was not planning. */
  cancel(signalRef: number, now: number): boolean {
    return this.cancelStmt.run(now, signalRef).changes === 1;
  }
}
