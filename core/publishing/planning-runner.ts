// PlanningRunner: plans what a publish left to its planning job, chunk after chunk, each in its own transaction, yielding to the event loop between them.
import type { AuditLog } from '../audit';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { warnOperator } from './operator-warnings';
import { FIRST_CHUNK_SIZE, planChunk, type ChunkDeps, type ChunkResult } from './plan-chunk';
import { addExcluded, type JobProgress, type PlanningJob, type PlanningJobStore } from './planning-jobs';
import type { SignalStore, StoredSignal, Transaction } from './ports';

export interface PlanningRunnerDeps extends ChunkDeps {
  store: Pick<SignalStore, 'findByRef'>;
  jobs: PlanningJobStore;
  transaction: Transaction;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  /** After each chunk's commit that wrote rows (the dispatcher's poke; the rationale writer's when rationale rows were written). */
  onChunk?: ((done: PlannedChunk) => void) | undefined;
  /** Between chunks (default: setImmediate, so that sends, requests and timers run in between). */
  yieldNow?: (() => Promise<void>) | undefined;
  /** A chunk that failed (a database fault) is tried again after this many ms (default 1,000). */
  retryMs?: number | undefined;
  /** A monotonic clock in ms, to time each chunk (default performance.now). */
  elapsedMs?: (() => number) | undefined;
}

/**
 * How long a chunk should take, its commit included: short enough that a publish, a send or a
 * webhook waiting behind it is held well under the 50 ms a stall may last, long enough that a
 * chunk's fixed costs and the sends between chunks leave planning most of the loop (300,000
 * subscribers planned in 1.9 s at 15 ms, 2.0–2.3 s at 5 ms, on the scale benchmark).
 */
export const CHUNK_TARGET_MS = 15;
/** The fewest candidates a chunk plans, however slow the last one was. */
export const MIN_CHUNK_SIZE = 100;

/** One committed chunk. */
export interface PlannedChunk {
  signalId: string;
  planned: number;
  skipped: number;
  /** Rationale rows were written: the rationale writer has work. */
  rationales: boolean;
  /** The job's planning is over ('done') or goes on. */
  state: JobProgress['state'];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the planning jobs, newest first: a fresh signal's alerts matter most (the dispatcher sends
 * the newest first too), and each job's first chunk was planned at its publish, so an older job
 * waits at most for the newer ones' remainders (300,000 candidates plan in about a second). Each
 * chunk re-reads its job inside its transaction, so a stop or close that cancelled it ends it, and
 * a chunk never goes back below the committed cursor. At start every 'planning' job resumes from its
 * cursor; at stop the chunk in hand finishes and nothing more is planned.
 */
export class PlanningRunner {
  private running = false;
  private active = false;
  private wanted = false;
  private loop: Promise<void> = Promise.resolve();
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** Candidates the next chunk plans (at most chunkSize), sized from how long the last full one took. */
  private size: number;

  constructor(private readonly deps: PlanningRunnerDeps) {
    this.size = Math.min(FIRST_CHUNK_SIZE, deps.chunkSize);
  }

  /** Candidates the next chunk plans (exposed for tests and tools). */
  get nextChunkSize(): number {
    return this.size;
  }

  /** Resumes every job still planning (after a crash, or left by another process). */
  start(): void {
    this.running = true;
    this.wake();
  }

  /** A publish left a job, or one may be waiting: plan on the next turn of the event loop. Never throws, never plans in the caller's turn. */
  wake(): void {
    if (!this.running) return;
    this.wanted = true;
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** Finishes the chunk in hand; plans nothing more. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    await this.loop;
  }

  /**
   * Plans one chunk of the newest job still planning, in one transaction; false when no job waits.
   * Exposed for tests (a runner stopped after chunk k) and tools.
   */
  runChunk(): boolean {
    const { jobs, transaction } = this.deps;
    const elapsed = this.deps.elapsedMs ?? (() => performance.now());
    const started = elapsed();
    let done: { job: PlanningJob; stored: StoredSignal; chunk: ChunkResult; progress: JobProgress } | null = null;
    // Replayable: a chunk lost with its commit (a power cut) is planned again from the job's cursor.
    const found = transaction.run(() => {
      const job = jobs.nextPlanning();
      if (!job) return false;
      done = this.planNext(job);
      return true;
    }, { replayable: true });
    if (done) {
      this.resize((done as { chunk: ChunkResult }).chunk.size, elapsed() - started);
      this.afterCommit(done);
    }
    return found;
  }

  /**
   * Sizes the next chunk to take about CHUNK_TARGET_MS at the pace the last one went (code not yet
   * compiled, a busy machine and a cold cache all show in it): smaller at once after a slow chunk,
   * at most twice as large after a fast one, within MIN_CHUNK_SIZE and chunkSize. A chunk cut short by
   * the end of its job says nothing about the pace.
   */
  private resize(planned: number, ms: number): void {
    if (planned < this.size) return;
    const paced = ms > 0 ? Math.round((this.size * CHUNK_TARGET_MS) / ms) : Infinity;
    this.size = Math.max(Math.min(MIN_CHUNK_SIZE, this.deps.chunkSize), Math.min(paced, this.size * 2, this.deps.chunkSize));
  }

  private async run(): Promise<void> {
    const yieldNow = this.deps.yieldNow ?? nextTurn;
    try {
      await yieldNow();
      while (this.running && this.wanted) {
        this.wanted = false;
        while (this.running && this.runChunk()) await yieldNow();
      }
    } catch (err) {
      this.deps.logger.error({ err }, `planning failed; trying again in ${this.deps.retryMs ?? 1_000} ms`);
      if (this.running) this.retry = setTimeout(() => this.wake(), this.deps.retryMs ?? 1_000);
      this.retry?.unref?.();
    } finally {
      this.active = false;
    }
  }

  /** Inside the chunk's transaction: the next chunk of this job, its progress and, at the last, the audit event. */
  private planNext(job: PlanningJob) {
    const { jobs, store, clock } = this.deps;
    const now = clock.now();
    const stored = store.findByRef(job.signalRef);
    if (!stored) {
      // The signal is gone (never, short of a hand edit): nothing to plan for it.
      jobs.advance(job.signalRef, { ...job, state: 'cancelled' }, now);
      return null;
    }
    const chunk = planChunk(this.deps, stored, job.cursor, this.size);
    const progress: JobProgress = {
      state: chunk.more ? 'planning' : 'done',
      cursor: chunk.lastRef,
      planned: job.planned + chunk.planned,
      skipped: job.skipped + chunk.skipped,
      excluded: addExcluded(job.excluded, chunk.excludedBy),
    };
    jobs.advance(job.signalRef, progress, now);
    if (progress.state === 'done') {
      this.deps.audit.record({
        actor: 'planner', action: 'signal.planned', subjectType: 'signal', subjectId: stored.signal.id,
        data: { candidates: job.candidates, planned: progress.planned, skipped: progress.skipped, excluded: progress.excluded },
      });
    }
    return { job, stored, chunk, progress };
  }

  private afterCommit({ job, stored, chunk, progress }: { job: PlanningJob; stored: StoredSignal; chunk: ChunkResult; progress: JobProgress }): void {
    const { metrics, logger } = this.deps;
    const signalId = stored.signal.id;
    metrics.deliveriesPlanned(chunk.planned, chunk.skipped);
    warnOperator(logger, signalId, chunk.operatorAlerts);
    if (progress.state === 'done') {
      logger.info({ signalId, candidates: job.candidates, planned: progress.planned, skipped: progress.skipped, excluded: progress.excluded }, 'signal planned');
    }
    try {
      this.deps.onChunk?.({ signalId, planned: chunk.planned, skipped: chunk.skipped, rationales: chunk.rationales, state: progress.state });
    } catch (err) {
      // The rows are committed: the dispatcher's next pass finds them.
      logger.warn({ err, signalId }, 'the hook after a planned chunk failed');
    }
  }
}
