// node-cron registration: each job is a plain function of its dependencies, registered in the operator's time zone; a failing tick is logged and the process lives on.
import type { NodeCron, ScheduledTask } from 'node-cron';
import { SignalcastError } from '../core/errors';
import type { Logger } from '../core/logger';

/** One recurring job: a name for the logs, a cron expression, and what to run. */
export interface ScheduledJob {
  name: string;
  /** Five or six cron fields, e.g. "17 4 * * *" (04:17 every day). */
  schedule: string;
  run: () => Promise<unknown> | unknown;
}

/** The part of node-cron used here; tests pass their own. */
export type Cron = Pick<NodeCron, 'schedule' | 'validate'>;

/** node-cron (or a test's stand-in), the jobs, the operator's time zone, and the logger. */
export interface SchedulesDeps {
  cron: Cron;
  jobs: ScheduledJob[];
  /** The operator's IANA time zone: "daily at 04:17" means 04:17 there. */
  timeZone: string;
  logger: Logger;
}

/** The scheduled tasks, and a way to stop them all at shutdown. */
export interface Schedules {
  tasks: ScheduledTask[];
  stop(): Promise<void>;
}

/**
 * One tick of a job: never throws, whatever the job does (STYLE.md: one error boundary per cron
 * tick). A guarded job (schedules/guard.ts) logs its own run; this only catches what escapes.
 */
export function tickOf(job: ScheduledJob, logger: Logger): () => Promise<void> {
  return async () => {
    const startedAt = Date.now();
    try {
      await job.run();
    } catch (err) {
      logger.error({ err, job: job.name, ms: Date.now() - startedAt }, 'scheduled job failed; it runs again at its next time');
    }
  };
}

/** Validates every expression first (failing at start, naming the job), then schedules them all. */
export function registerSchedules(deps: SchedulesDeps): Schedules {
  const { cron, jobs, timeZone, logger } = deps;
  const bad = jobs.filter((job) => !cron.validate(job.schedule));
  if (bad.length > 0) {
    throw new SignalcastError('config_invalid', `invalid cron schedule for ${bad.map((j) => `${j.name} ("${j.schedule}")`).join(', ')}: expected five fields such as "17 4 * * *"`);
  }
  const tasks = jobs.map((job) => cron.schedule(job.schedule, tickOf(job, logger), { name: job.name, timezone: timeZone, noOverlap: true }));
  logger.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`), timeZone }, 'schedules registered');
  return {
    tasks,
    stop: async () => {
      for (const task of tasks) await task.stop();
    },
  };
}
