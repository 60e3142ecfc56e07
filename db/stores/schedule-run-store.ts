// Each scheduled job's lease and last run in `schedule_runs`: one process runs a job at a time, and `signalcast schedules list` reads what happened.
import { asc } from 'drizzle-orm';
import type { Db } from '../client';
import { scheduleRuns, type ScheduleRunRow } from '../schema';

export type JobOutcome = 'ok' | 'failed' | 'skipped';

/** A run's end, as the guard records it. */
export interface FinishedRun {
  startedAt: number;
  finishedAt: number;
  outcome: Exclude<JobOutcome, 'skipped'>;
  /** The error's message, scrubbed; null when it went well. */
  error: string | null;
}

/** What the guard and the CLI need from the runs table. */
export interface ScheduleRunStore {
  /** Takes the job's lease until `until` unless another holder's lease is still live; true when taken. */
  tryLease(job: string, holder: string, now: number, until: number): boolean;
  /** Pushes the holder's lease out to `until` (a long run); false when the lease is no longer its. */
  renew(job: string, holder: string, until: number): boolean;
  /** Records the run and releases the holder's lease (a lease another holder took since stays theirs). */
  finish(job: string, holder: string, run: FinishedRun): void;
  /** Records a tick that did not run because another run held the job. */
  skipped(job: string, reason: string): void;
  get(job: string): ScheduleRunRow | undefined;
  list(): ScheduleRunRow[];
}

/**
 * The runs table on SQLite. The lease is taken in one statement (an upsert whose update only
 * applies when the lease is free or expired), so two processes on one database file cannot both
 * take it: SQLite serialises the writes and the second sees the first's lease.
 */
export class SqliteScheduleRunStore implements ScheduleRunStore {
  constructor(private readonly deps: { db: Db }) {}

  tryLease(job: string, holder: string, now: number, until: number): boolean {
    const result = this.deps.db.$client.prepare(`
      INSERT INTO schedule_runs (job, lease_holder, lease_until, last_started_at, runs) VALUES (?, ?, ?, ?, 0)
      ON CONFLICT (job) DO UPDATE SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until, last_started_at = excluded.last_started_at
      WHERE schedule_runs.lease_until IS NULL OR schedule_runs.lease_until < ?`).run(job, holder, until, now, now);
    return result.changes === 1;
  }

  renew(job: string, holder: string, until: number): boolean {
    return this.deps.db.$client.prepare('UPDATE schedule_runs SET lease_until = ? WHERE job = ? AND lease_holder = ?').run(until, job, holder).changes === 1;
  }

  finish(job: string, holder: string, run: FinishedRun): void {
    this.deps.db.$client.prepare(`
      UPDATE schedule_runs SET last_finished_at = ?, last_duration_ms = ?, last_outcome = ?, last_error = ?, runs = runs + 1,
        lease_until = CASE WHEN lease_holder = ? THEN NULL ELSE lease_until END,
        lease_holder = CASE WHEN lease_holder = ? THEN NULL ELSE lease_holder END
      WHERE job = ?`).run(run.finishedAt, Math.max(0, run.finishedAt - run.startedAt), run.outcome, run.error, holder, holder, job);
  }

  skipped(job: string, reason: string): void {
    this.deps.db.$client.prepare(`
      INSERT INTO schedule_runs (job, last_outcome, last_error, runs) VALUES (?, 'skipped', ?, 0)
      ON CONFLICT (job) DO UPDATE SET last_outcome = 'skipped', last_error = excluded.last_error`).run(job, reason);
  }

  get(job: string): ScheduleRunRow | undefined {
    return this.list().find((row) => row.job === job);
  }

  list(): ScheduleRunRow[] {
    return this.deps.db.select().from(scheduleRuns).orderBy(asc(scheduleRuns.job)).all();
  }
}
