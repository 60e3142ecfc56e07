// Access jobs in SQLite (drizzle): one pending job per account, claimed by the runner, retried, dead-lettered.
import { and, asc, desc, eq, inArray, lte, min, sql, type SQL } from 'drizzle-orm';
import type { AccessJob, AccessJobState, AccessJobStore, EnqueuedJob, NewAccessJob } from '../../core/access/jobs';
import { newId } from '../../core/ids';
import type { Db } from '../client';
import { accessJobs, type AccessJobRow } from '../schema';

function toJob(row: AccessJobRow): AccessJob {
  return { ...row };
}

export class SqliteAccessJobStore implements AccessJobStore {
  constructor(private readonly deps: { db: Db }) {}

  private get db(): Db {
    return this.deps.db;
  }

  enqueue(job: NewAccessJob, now: number): EnqueuedJob {
    return this.db.transaction((tx) => {
      const pending = tx.select().from(accessJobs).where(and(eq(accessJobs.accountId, job.accountId), eq(accessJobs.state, 'pending'))).get();
      if (pending) {
        // The new change joins it: due now (a job waiting out a backoff runs again at once), and it says what came last.
        const row = tx.update(accessJobs)
          .set({ dueAt: Math.min(pending.dueAt, now), trigger: job.trigger, actor: job.actor, reason: job.reason ?? pending.reason, updatedAt: now })
          .where(eq(accessJobs.id, pending.id)).returning().get();
        return { job: toJob(row), coalesced: true };
      }
      const parked = tx.select().from(accessJobs).where(and(eq(accessJobs.accountId, job.accountId), eq(accessJobs.state, 'parked'))).get();
      if (parked) {
        // Something changed for the account: the parked job tries again now, with what came last.
        const row = tx.update(accessJobs)
          .set({ state: 'pending', attempts: 0, dueAt: now, trigger: job.trigger, actor: job.actor, reason: job.reason ?? parked.reason, updatedAt: now })
          .where(eq(accessJobs.id, parked.id)).returning().get();
        return { job: toJob(row), coalesced: true };
      }
      const row = tx.insert(accessJobs).values({
        id: newId('ajb'), accountId: job.accountId, trigger: job.trigger, actor: job.actor, reason: job.reason ?? null,
        state: 'pending', attempts: 0, dueAt: now, createdAt: now, updatedAt: now,
      }).returning().get();
      return { job: toJob(row), coalesced: false };
    });
  }

  get(id: string): AccessJob | null {
    const row = this.db.select().from(accessJobs).where(eq(accessJobs.id, id)).get();
    return row ? toJob(row) : null;
  }

  claimDue(now: number, limit: number): AccessJob[] {
    return this.db.transaction((tx) => {
      const due = tx.select().from(accessJobs).where(and(eq(accessJobs.state, 'pending'), lte(accessJobs.dueAt, now)))
        .orderBy(asc(accessJobs.dueAt), asc(accessJobs.createdAt)).limit(limit).all();
      if (due.length === 0) return [];
      return tx.update(accessJobs).set({ state: 'running', attempts: sql`${accessJobs.attempts} + 1`, updatedAt: now })
        .where(and(inArray(accessJobs.id, due.map((j) => j.id)), eq(accessJobs.state, 'pending'))).returning().all()
        .map(toJob).sort((a, b) => a.dueAt - b.dueAt || a.createdAt - b.createdAt);
    });
  }

  nextDueAt(): number | undefined {
    const row = this.db.select({ at: min(accessJobs.dueAt) }).from(accessJobs).where(eq(accessJobs.state, 'pending')).get();
    return row?.at ?? undefined;
  }

  complete(id: string, now: number, outcome: string): void {
    this.db.update(accessJobs).set({ state: 'done', lastError: null, outcome, updatedAt: now, finishedAt: now })
      .where(and(eq(accessJobs.id, id), eq(accessJobs.state, 'running'))).run();
  }

  retryLater(id: string, now: number, dueAt: number, error: string, outcome: string): void {
    this.settleRunning(id, now, error, outcome, { state: 'pending', dueAt });
  }

  park(id: string, now: number, error: string, outcome: string): void {
    this.settleRunning(id, now, error, outcome, { state: 'parked' });
  }

  /**
   * A running job that did not finish goes to `next` (pending again, or parked); when a change
   * arrived while it ran, that change's own pending job (due now) carries on and this one is done.
   */
  private settleRunning(id: string, now: number, error: string, outcome: string, next: { state: 'pending'; dueAt: number } | { state: 'parked' }): void {
    this.db.transaction((tx) => {
      const job = tx.select().from(accessJobs).where(eq(accessJobs.id, id)).get();
      if (!job || job.state !== 'running') return;
      const newer = tx.select({ id: accessJobs.id }).from(accessJobs).where(and(eq(accessJobs.accountId, job.accountId), eq(accessJobs.state, 'pending'))).get();
      if (newer) {
        tx.update(accessJobs).set({ state: 'done', lastError: `${error} (carried on by ${newer.id})`, outcome, updatedAt: now, finishedAt: now }).where(eq(accessJobs.id, id)).run();
        return;
      }
      tx.update(accessJobs).set({ ...next, lastError: error, outcome, updatedAt: now }).where(eq(accessJobs.id, id)).run();
    });
  }

  wakeParked(now: number): number {
    return this.revive(eq(accessJobs.state, 'parked'), now);
  }

  kill(id: string, now: number, error: string, outcome: string): void {
    this.db.update(accessJobs).set({ state: 'dead', lastError: error, outcome, updatedAt: now, finishedAt: now })
      .where(and(eq(accessJobs.id, id), eq(accessJobs.state, 'running'))).run();
  }

  recoverRunning(now: number): number {
    return this.db.transaction((tx) => {
      let recovered = 0;
      for (const job of tx.select().from(accessJobs).where(eq(accessJobs.state, 'running')).all()) {
        const pending = tx.select({ id: accessJobs.id }).from(accessJobs).where(and(eq(accessJobs.accountId, job.accountId), eq(accessJobs.state, 'pending'))).get();
        if (pending) tx.update(accessJobs).set({ state: 'done', lastError: `interrupted; carried on by ${pending.id}`, updatedAt: now, finishedAt: now }).where(eq(accessJobs.id, job.id)).run();
        else tx.update(accessJobs).set({ state: 'pending', dueAt: now, updatedAt: now }).where(eq(accessJobs.id, job.id)).run();
        recovered += 1;
      }
      return recovered;
    });
  }

  list(filter: { states?: readonly AccessJobState[]; limit: number }): AccessJob[] {
    const where = filter.states ? inArray(accessJobs.state, [...filter.states]) : undefined;
    return this.db.select().from(accessJobs).where(where).orderBy(desc(accessJobs.updatedAt), desc(accessJobs.id)).limit(filter.limit).all().map(toJob);
  }

  retryDead(ids: readonly string[] | 'all', now: number): number {
    return this.revive(ids === 'all' ? eq(accessJobs.state, 'dead') : and(eq(accessJobs.state, 'dead'), inArray(accessJobs.id, [...ids])), now);
  }

  /** The chosen jobs back to pending, due now, attempts 0; one whose account already has a pending job is folded into it. */
  private revive(chosen: SQL | undefined, now: number): number {
    return this.db.transaction((tx) => {
      const chosenJobs = tx.select().from(accessJobs).where(chosen).orderBy(asc(accessJobs.updatedAt)).all();
      for (const job of chosenJobs) {
        const pending = tx.select({ id: accessJobs.id }).from(accessJobs).where(and(eq(accessJobs.accountId, job.accountId), eq(accessJobs.state, 'pending'))).get();
        if (pending) {
          tx.update(accessJobs).set({ dueAt: now, updatedAt: now }).where(eq(accessJobs.id, pending.id)).run();
          tx.update(accessJobs).set({ state: 'done', lastError: `retried as ${pending.id}`, updatedAt: now, finishedAt: now }).where(eq(accessJobs.id, job.id)).run();
        } else {
          tx.update(accessJobs).set({ state: 'pending', attempts: 0, dueAt: now, updatedAt: now, finishedAt: null }).where(eq(accessJobs.id, job.id)).run();
        }
      }
      return chosenJobs.length;
    });
  }
}
