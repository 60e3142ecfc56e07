// The service's recurring jobs (schedules/registry.ts), registered with node-cron in the operator's time zone, and the CLI's view of them.
import cron from 'node-cron';
import type { ScheduleAdmin } from '../cli/commands/schedules';
import { SignalcastError } from '../core/errors';
import type { Db } from '../db/client';
import { SqliteScheduleRunStore } from '../db/stores/schedule-run-store';
import { registerSchedules, type Cron, type Schedules } from '../schedules';
import type { GuardedJob } from '../schedules/guard';
import { serviceJobs, type ServiceJobsDeps } from '../schedules/registry';

export interface ServiceSchedulesDeps extends ServiceJobsDeps {
  /** node-cron unless a test gives its own. */
  cron?: Cron | undefined;
}

/** Registers the jobs the configured parts need; null when there is nothing to schedule. */
export function startSchedules(deps: ServiceSchedulesDeps): Schedules | null {
  const jobs = serviceJobs(deps);
  if (jobs.length === 0) return null;
  return registerSchedules({ cron: deps.cron ?? cron, jobs, timeZone: deps.timeZone, logger: deps.logger.child({ component: 'schedules' }) });
}

/**
 * The CLI's view of the schedules (`signalcast schedules list|run`): the jobs these settings
 * register, built only when asked, their runs, and a run of one through the same guard and leases
 * as the service's, so a run by hand never overlaps the service's.
 */
export function scheduleAdmin(deps: () => ServiceJobsDeps, timeZone: string): ScheduleAdmin {
  let jobs: GuardedJob[] | undefined;
  const built = () => (jobs ??= serviceJobs(deps()));
  let db: Db | undefined;
  const runs = () => new SqliteScheduleRunStore({ db: (db ??= deps().db) });
  return {
    timeZone,
    jobs: () => built().map((j) => ({ name: j.name, schedule: j.schedule })),
    runs: () => runs().list(),
    run: async (name) => {
      const job = built().find((j) => j.name === name);
      if (!job) throw new SignalcastError('not_found', `no scheduled job "${name}"`);
      return job.run();
    },
  };
}
