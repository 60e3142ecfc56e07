// The service's recurring jobs: daily billing reconcile and the full access reconcile (drift repair, every 5 minutes by default), in the operator's time zone.
import cron from 'node-cron';
import type { AccessReconcile } from '../core/access/reconciler';
import type { Logger } from '../core/logger';
import { billingReconcileJob, type BillingReconcileJobDeps } from '../schedules/billing-reconcile';
import { registerSchedules, type Cron, type ScheduledJob, type Schedules } from '../schedules';

/** The default: every 5 minutes (ACCESS_RECONCILE_EVERY_MINUTES). */
export const ACCESS_RECONCILE_EVERY_MINUTES = 5;

/**
 * The cron expression for a full access reconcile every `minutes` (1 to 60), a few minutes off the
 * hour where it can be (away from the billing run at 04:17): 5 → "3-59/5 * * * *", 60 → "23 * * * *".
 */
export function accessReconcileSchedule(minutes: number = ACCESS_RECONCILE_EVERY_MINUTES): string {
  if (minutes >= 60) return '23 * * * *';
  if (minutes <= 1) return '* * * * *';
  return `${3 % minutes}-59/${minutes} * * * *`;
}

/**
 * A full access reconcile: first what the platforms say each role's holders are (drift), then grants
 * what is missing, removes whoever is no longer entitled; then access jobs waiting for the platform
 * to change (a role above the bot's) try again.
 */
export function accessReconcileJob(access: AccessReconcile, schedule: string = accessReconcileSchedule(), wakeParked?: () => unknown): ScheduledJob {
  return {
    name: 'access-reconcile',
    schedule,
    run: async () => {
      const report = await access.reconcile({ trigger: 'scheduled' });
      wakeParked?.();
      return report;
    },
  };
}

export interface ServiceSchedulesDeps {
  /** Billing's reconcile; absent without Stripe. */
  billing?: BillingReconcileJobDeps['reconcile'] | undefined;
  /** The access reconciler; absent without a platform that gates access. */
  access?: AccessReconcile | undefined;
  /** Wakes the access jobs parked until the platform changes. */
  wakeParkedAccessJobs?: (() => unknown) | undefined;
  /** ACCESS_RECONCILE_EVERY_MINUTES (default 5). */
  accessEveryMinutes?: number | undefined;
  timeZone: string;
  logger: Logger;
  /** node-cron unless a test gives its own. */
  cron?: Cron | undefined;
  /** The daily snapshot's job (app/snapshots.ts); absent when SNAPSHOT_TIME is off. */
  snapshot?: ScheduledJob | undefined;
}

/** Registers the jobs the configured parts need; null when there is nothing to schedule. */
export function startSchedules(deps: ServiceSchedulesDeps): Schedules | null {
  const logger = deps.logger.child({ component: 'schedules' });
  const jobs: ScheduledJob[] = [];
  if (deps.billing) jobs.push(billingReconcileJob({ reconcile: deps.billing, logger }));
  if (deps.access) jobs.push(accessReconcileJob(deps.access, accessReconcileSchedule(deps.accessEveryMinutes), deps.wakeParkedAccessJobs));
  if (deps.snapshot) jobs.push(deps.snapshot);
  if (jobs.length === 0) return null;
  return registerSchedules({ cron: deps.cron ?? cron, jobs, timeZone: deps.timeZone, logger });
}
