// One guard around every scheduled job: no overlapping run in this process, one lease across processes, and each run recorded, measured and logged once.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { createScrubber } from '../core/scrub';
import type { JobOutcome, ScheduleRunStore } from '../db/stores/schedule-run-store';
import type { ScheduledJob } from './index';

/** How long a job may hold its lease when it names no maximum: generous, and renewed while it runs. */
export const DEFAULT_LEASE_MS = 30 * 60_000;

/** A job as the registry gives it: a plain job, and optionally how long one run may take at most. */
export interface GuardableJob extends ScheduledJob {
  /** The lease's length; renewed every third of it while the run goes on. Default DEFAULT_LEASE_MS. */
  maxDurationMs?: number | undefined;
}

/** A guarded job: `run` never throws and says what became of the tick. */
export interface GuardedJob extends ScheduledJob {
  run: () => Promise<JobOutcome>;
}

export interface JobGuardDeps {
  runs: ScheduleRunStore;
  clock: Clock;
  logger: Logger;
  metrics: Pick<Metrics, 'jobRun'>;
  /** This process's name on its leases; a random one by default. */
  holder?: string | undefined;
  /** Takes secrets out of an error before it is stored (the service's scrubber; shapes only by default). */
  scrub?: ((text: string) => string) | undefined;
  /** How often (real time) a live lease is pushed out; a third of the lease by default, at least a second. */
  renewEveryMs?: number | undefined;
}

/** A process id for leases: the host, the pid and a random part (two services on one host differ). */
export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** The most of an error kept in schedule_runs.last_error. */
const MAX_ERROR_LENGTH = 500;

/**
 * Wraps jobs. Per tick: a run of the same job still going in this process makes it `skipped`;
 * then the lease in schedule_runs (another process holding it: `skipped`); then the run, its
 * outcome recorded with its start, end, duration and scrubbed error, the lease released,
 * `metrics.jobRun` and one log line.
 */
export class JobGuard {
  readonly holder: string;
  private readonly running = new Set<string>();
  private readonly scrub: (text: string) => string;

  constructor(private readonly deps: JobGuardDeps) {
    this.holder = deps.holder ?? newLeaseHolder();
    this.scrub = deps.scrub ?? createScrubber([]);
  }

  guard(job: GuardableJob): GuardedJob {
    return { name: job.name, schedule: job.schedule, run: () => this.runOnce(job) };
  }

  /** Whether a run of `name` is going on in this process. */
  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  private async runOnce(job: GuardableJob): Promise<JobOutcome> {
    const { runs, clock, logger, metrics } = this.deps;
    const leaseMs = job.maxDurationMs ?? DEFAULT_LEASE_MS;
    if (this.running.has(job.name)) return this.skip(job.name, 'the previous run in this process is still going');
    this.running.add(job.name);
    try {
      const startedAt = clock.now();
      if (!runs.tryLease(job.name, this.holder, startedAt, startedAt + leaseMs)) {
        const holder = runs.get(job.name)?.leaseHolder ?? 'another process';
        return this.skip(job.name, `${holder} holds the lease`);
      }
      const renew = setInterval(() => {
        try {
          if (!runs.renew(job.name, this.holder, clock.now() + leaseMs)) logger.warn({ job: job.name }, 'scheduled job lost its lease while running (it outlived it): another process may run it too');
        } catch (err) {
          logger.warn({ err, job: job.name }, 'could not renew a scheduled job\'s lease');
        }
      }, this.deps.renewEveryMs ?? Math.max(1_000, leaseMs / 3));
      renew.unref();
      let outcome: 'ok' | 'failed' = 'ok';
      let error: string | null = null;
      let result: unknown;
      try {
        result = await job.run();
      } catch (err) {
        outcome = 'failed';
        error = this.scrub(err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
      } finally {
        clearInterval(renew);
      }
      const finishedAt = clock.now();
      const durationMs = Math.max(0, finishedAt - startedAt);
      try {
        runs.finish(job.name, this.holder, { startedAt, finishedAt, outcome, error });
      } catch (err) {
        logger.error({ err, job: job.name }, 'could not record a scheduled job\'s run; its lease lapses on its own');
      }
      metrics.jobRun(job.name, outcome, durationMs, finishedAt);
      if (outcome === 'ok') logger.info({ job: job.name, ms: durationMs, ...summaryOf(result) }, 'scheduled job finished');
      else logger.error({ job: job.name, ms: durationMs, error }, 'scheduled job failed; it runs again at its next time');
      return outcome;
    } catch (err) {
      // The database refused the lease itself: nothing ran.
      logger.error({ err, job: job.name }, 'scheduled job could not start: its lease could not be taken');
      metrics.jobRun(job.name, 'failed', 0, clock.now());
      return 'failed';
    } finally {
      this.running.delete(job.name);
    }
  }

  private skip(name: string, reason: string): JobOutcome {
    try {
      this.deps.runs.skipped(name, reason);
    } catch (err) {
      this.deps.logger.warn({ err, job: name }, 'could not record a skipped run');
    }
    this.deps.metrics.jobRun(name, 'skipped', 0, this.deps.clock.now());
    this.deps.logger.info({ job: name, reason }, 'scheduled job skipped: another run holds it');
    return 'skipped';
  }
}

/** A job's result, when it is a small object of counts, goes on its log line. */
function summaryOf(result: unknown): Record<string, unknown> {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return {};
  const entries = Object.entries(result).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string');
  return entries.length > 0 ? { result: Object.fromEntries(entries) } : {};
}
