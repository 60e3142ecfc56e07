// The access reconcile's schedule: every 5 minutes by default, off the hour, and what one tick does.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import type { ReconcileOptions, ReconcileReport } from '../core/access/reconciler';
import { accessReconcileJob, accessReconcileSchedule } from './access-reconcile';

describe('the access reconcile schedule', () => {
  it('runs every 5 minutes by default, 3 minutes off the hour, and hourly at minute 23 when set to 60', () => {
    expect(accessReconcileSchedule()).toBe('3-59/5 * * * *');
    expect([1, 7, 15, 60].map(accessReconcileSchedule)).toEqual(['* * * * *', '3-59/7 * * * *', '3-59/15 * * * *', '23 * * * *']);
    for (const minutes of [1, 2, 5, 7, 30, 59, 60]) expect(cron.validate(accessReconcileSchedule(minutes))).toBe(true);
  });

  it('reconciles every account, then wakes the access jobs waiting for the platform to change', async () => {
    const calls: string[] = [];
    const access = {
      reconcile: async (options?: ReconcileOptions) => {
        calls.push(`reconcile ${options?.trigger ?? ''}`);
        return {} as ReconcileReport;
      },
    };
    await accessReconcileJob(access, accessReconcileSchedule(), () => calls.push('wake')).run();
    expect(calls).toEqual(['reconcile scheduled', 'wake']);
  });
});
