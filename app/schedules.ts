// The service's recurring jobs: daily billing reconcile and hourly access reconcile, in the operator's time zone.
import cron from 'node-cron';
import type { AccessReconcile } from '../core/access/reconciler';
import type { Logger } from '../core/logger';
import { billingReconcileJob, type BillingReconcileJobDeps } from '../schedules/billing-reconcile';
import { registerSchedules, type Cron, type ScheduledJob, type Schedules } from '../schedules';

/** Hourly at minute 23: off the hour, and away from the billing run at 04:17. */
export const ACCESS_RECONCILE_SCHEDULE = '23 * * * *';

/** A full access reconcile: grants what is missing, removes whoever is no longer entitled. */
export function accessReconcileJob(access: AccessReconcile, schedule: string = ACCESS_RECONCILE_SCHEDULE): ScheduledJob {
  return { name: 'access-reconcile', schedule, run: () => access.reconcile({ trigger: 'scheduled' }) };
}

export interface ServiceSchedulesDeps {
  /** Billing's reconcile; absent without Stripe. */
  billing?: BillingReconcileJobDeps['reconcile'] | undefined;
  /** The access reconciler; absent without Telegram. */
  access?: AccessReconcile | undefined;
  timeZone: string;
  logger: Logger;
  /** node-cron unless a test gives its own. */
  cron?: Cron | undefined;
}

/** Registers the jobs the configured parts need; null when there is nothing to schedule. */
export function startSchedules(deps: ServiceSchedulesDeps): Schedules | null {
  const logger = deps.logger.child({ component: 'schedules' });
  const jobs: ScheduledJob[] = [];
  if (deps.billing) jobs.push(billingReconcileJob({ reconcile: deps.billing, logger }));
  if (deps.access) jobs.push(accessReconcileJob(deps.access));
  if (jobs.length === 0) return null;
  return registerSchedules({ cron: deps.cron ?? cron, jobs, timeZone: deps.timeZone, logger });
}
