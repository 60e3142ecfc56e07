// The full access reconcile (drift repair) as a scheduled job: every ACCESS_RECONCILE_EVERY_MINUTES, off the hour, then wakes the parked access jobs.
import type { AccessReconcile } from '../core/access/reconciler';
import type { GuardableJob } from './guard';

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
 * to change (a role above the bot's) try again. Its lease lasts 10 minutes: a reconcile that takes
 * longer is renewed while it runs.
 */
export function accessReconcileJob(access: AccessReconcile, schedule: string = accessReconcileSchedule(), wakeParked?: () => unknown): GuardableJob {
  return {
    name: 'access-reconcile',
    schedule,
    maxDurationMs: 10 * 60_000,
    run: async () => {
      const report = await access.reconcile({ trigger: 'scheduled' });
      wakeParked?.();
      return report;
    },
  };
}
