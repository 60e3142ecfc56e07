// The access job runner: takes due access jobs one at a time, reconciles that account, retries failures with backoff, then dead-letters.
import type { Clock } from '../clock';
import { Wakeup } from '../delivery/wake';
import type { Logger } from '../logger';
import type { AccessJob, AccessJobStore } from './jobs';
import type { AccessReconcile, ReconcileReport } from './reconciler';

export interface AccessJobRunnerOptions {
  jobs: AccessJobStore;
  reconciler: AccessReconcile;
  clock: Clock;
  logger?: Logger | undefined;
  /** How long one job may take before it counts as failed and the runner moves on. Default 30 s. */
  jobTimeoutMs?: number | undefined;
  /** The wait after the first failure; it doubles after each one. Default 5 s. */
  retryBaseMs?: number | undefined;
  /** The longest wait between attempts. Default 5 min. */
  retryCapMs?: number | undefined;
  /** Attempts before a job is dead. Default 10 (about 20 minutes of trying). */
  maxAttempts?: number | undefined;
  /** The longest sleep without a poke, to pick up jobs other processes wrote (the CLI). Default 30 s. */
  idleRecheckMs?: number | undefined;
  /** How long stop() waits for the job in flight. Default 5 s. */
  stopTimeoutMs?: number | undefined;
}

/** The wait before attempt `attempts + 1`: base, doubling, capped. */
export function jobBackoffMs(attempts: number, options: { baseMs: number; capMs: number }): number {
  return Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
}

/** A withdrawn used link is no removal: it reads "link withdrawn", never "revoked" (which means the person was removed). */
function verbOf(a: ReconcileReport['actions'][number]): string {
  if (a.kind !== 'revoke_link') return a.outcome?.result ?? a.kind;
  return a.outcome?.result === 'revoked' ? 'used link withdrawn from' : `used link withdrawal ${a.outcome?.result ?? 'planned'} for`;
}

/** What a run did, in a few words: "invited telegram:42 to telegram:chat:-1001; revoke failed ..." or "nothing to do". */
export function outcomeOf(report: ReconcileReport | null): string {
  if (!report) return 'no answer';
  const parts = report.actions.map((a) => `${verbOf(a)} ${a.person.platform}:${a.person.platformUserId} ${a.resourceKey}`);
  if (report.waiting.length > 0) parts.push(`${report.waiting.length} waiting on an unused invite link`);
  return parts.length === 0 ? 'nothing to do' : parts.join('; ').slice(0, 500);
}

/**
 * Refusals that no retry can cure: the platform must change first (an admin moves the bot's role
 * above the plan's). A job failing only with these is parked until woken, not retried.
 */
const WAITS_FOR_THE_PLATFORM = new Set(['hierarchy']);

/** Whether every failed action waits for the platform to change. */
function waitsForPlatform(report: ReconcileReport): boolean {
  const failed = report.actions.filter((a) => a.outcome?.result === 'failed');
  return failed.length > 0 && failed.every((a) => WAITS_FOR_THE_PLATFORM.has(a.outcome?.code ?? ''));
}

/** Why a report counts as a failure, or null when every action went through. */
function failureOf(report: ReconcileReport): string | null {
  const failed = report.actions.filter((a) => a.outcome?.result === 'failed');
  if (failed.length === 0) return null;
  return failed.map((a) => `${a.kind} ${a.person.platform}:${a.person.platformUserId} ${a.resourceKey}: ${a.outcome?.detail ?? 'failed'}`).join('; ').slice(0, 1000);
}

/**
 * Runs access jobs: each brings one account's access in line (the reconciler is idempotent), under
 * a deadline so a platform call that hangs never holds the runner. A job with any failed action is
 * retried after 5 s, 10 s, 20 s, ... (capped), then dead and visible in `signalcast access jobs --dead`;
 * a job refused only because the platform must change first (a role above the bot's) is parked
 * until `wakeParked()` (a role order change, the scheduled drift run) or a new change for the account.
 * `poke()` after writing a job; `stop()` returns within its timeout whatever the platforms do.
 */
export class AccessJobRunner {
  private readonly wake: Wakeup;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly o: Required<Omit<AccessJobRunnerOptions, 'logger'>> & { logger?: Logger | undefined };

  constructor(options: AccessJobRunnerOptions) {
    this.o = {
      ...options,
      jobTimeoutMs: options.jobTimeoutMs ?? 30_000,
      retryBaseMs: options.retryBaseMs ?? 5_000,
      retryCapMs: options.retryCapMs ?? 300_000,
      maxAttempts: options.maxAttempts ?? 10,
      idleRecheckMs: options.idleRecheckMs ?? 30_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
    };
    this.wake = new Wakeup(options.clock);
  }

  /** Puts jobs a crash left running back to pending and starts taking due jobs. */
  start(): void {
    if (this.loop) return;
    const recovered = this.o.jobs.recoverRunning(this.o.clock.now());
    if (recovered > 0) this.o.logger?.warn({ recovered }, 'access jobs interrupted by a stop or crash are pending again');
    this.loop = this.run();
  }

  /** A job was written: look now. */
  poke(): void {
    this.wake.poke();
  }

  /** The platform changed (a role moved, the scheduled drift run): parked jobs try again now. Returns how many. */
  wakeParked(): number {
    const woken = this.o.jobs.wakeParked(this.o.clock.now());
    if (woken > 0) {
      this.o.logger?.info({ woken }, 'access jobs waiting for the platform to change are trying again');
      this.wake.poke();
    }
    return woken;
  }

  /** Stops taking jobs; waits for the one in flight at most stopTimeoutMs (it is retried at the next start if it did not finish). */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake.poke();
    const loop = this.loop;
    if (!loop) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loop, new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.o.stopTimeoutMs);
      timer.unref();
    })]);
    clearTimeout(timer);
  }

  /** Claims up to `limit` due jobs and runs them one after another; returns how many ran. The loop calls it; so may a test or a one-off command. */
  async runDue(limit = 100): Promise<number> {
    const claimed = this.o.jobs.claimDue(this.o.clock.now(), limit);
    for (const job of claimed) await this.runJob(job);
    return claimed.length;
  }

  private async run(): Promise<void> {
    const { jobs, clock } = this.o;
    while (!this.stopping.signal.aborted) {
      try {
        if ((await this.runDue(1)) > 0) continue;
        const next = jobs.nextDueAt();
        const wait = next === undefined ? this.o.idleRecheckMs : Math.min(this.o.idleRecheckMs, Math.max(0, next - clock.now()));
        await this.wake.sleep(wait);
      } catch (err) {
        // The database failed: log, and look again a little later rather than spin.
        this.o.logger?.error({ err }, 'access job runner could not read or write its jobs');
        await this.wake.sleep(this.o.retryBaseMs);
      }
    }
  }

  private async runJob(job: AccessJob): Promise<void> {
    const { jobs, clock, logger } = this.o;
    const deadline = new AbortController();
    const onStop = () => deadline.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let error: string | null;
    let outcome = 'no answer';
    let park = false;
    try {
      // Ends at the deadline, or at once when the runner stops: the platform call may go on, the runner does not wait for it.
      const timedOut = new Promise<'timeout'>((resolve) => {
        deadline.signal.addEventListener('abort', () => resolve('timeout'), { once: true });
        timer = setTimeout(() => deadline.abort(), this.o.jobTimeoutMs);
        timer.unref();
      });
      const report = await Promise.race([
        this.o.reconciler.reconcile({ accountId: job.accountId, trigger: job.trigger, actor: job.actor, signal: deadline.signal }),
        timedOut,
      ]);
      const stopped = this.stopping.signal.aborted;
      error = report === 'timeout' ? (stopped ? 'interrupted by a stop' : `timed out after ${this.o.jobTimeoutMs} ms (a platform did not answer)`) : failureOf(report);
      outcome = outcomeOf(report === 'timeout' ? null : report);
      park = report !== 'timeout' && waitsForPlatform(report);
      if (report !== 'timeout' && report.aborted && !error) error = 'stopped before every action ran';
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
    const now = clock.now();
    if (error === null) {
      jobs.complete(job.id, now, outcome);
      return;
    }
    if (park) {
      // The reconciler has told the operator (once); retrying cannot help until the platform changes.
      jobs.park(job.id, now, error, outcome);
      logger?.info({ jobId: job.id, accountId: job.accountId, error }, 'access job waits for the platform to change (role order); woken by a role change or the scheduled drift run');
      return;
    }
    if (job.attempts >= this.o.maxAttempts) {
      jobs.kill(job.id, now, error, outcome);
      logger?.error({ jobId: job.id, accountId: job.accountId, attempts: job.attempts, error }, 'access job dead after its last attempt: see signalcast access jobs --dead');
      return;
    }
    const delay = jobBackoffMs(job.attempts, { baseMs: this.o.retryBaseMs, capMs: this.o.retryCapMs });
    jobs.retryLater(job.id, now, now + delay, error, outcome);
    logger?.warn({ jobId: job.id, accountId: job.accountId, attempts: job.attempts, retryInMs: delay, error }, 'access job failed; retrying');
  }
}
