// The service's recurring jobs (schedules/registry.ts), registered with node-cron in the operator's time zone.
import cron from 'node-cron';
import { registerSchedules, type Cron, type Schedules } from '../schedules';
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
