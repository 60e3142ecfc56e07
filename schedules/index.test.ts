// Cron registration: expressions checked at start, the operator's time zone used, a failing job logged and the process kept alive.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../core/testing/logger';
import { billingReconcileJob, BILLING_RECONCILE_SCHEDULE } from './billing-reconcile';
import { registerSchedules, type Cron, type ScheduledJob } from './index';

/** A cron that records what was scheduled and lets the test fire it; validation is node-cron's own. */
function fakeCron() {
  const scheduled: { expression: string; fire: () => Promise<void>; options: Record<string, unknown>; stopped: boolean }[] = [];
  const api: Cron = {
    validate: (expression) => cron.validate(expression),
    schedule: ((expression: string, fn: () => Promise<void>, options: Record<string, unknown> = {}) => {
      const entry = { expression, fire: fn, options, stopped: false };
      scheduled.push(entry);
      return { stop: () => void (entry.stopped = true) } as unknown as ReturnType<Cron['schedule']>;
    }) as Cron['schedule'],
  };
  return { api, scheduled };
}

describe('registerSchedules', () => {
  it('schedules each job in the operator\'s time zone without overlapping runs', () => {
    const { api, scheduled } = fakeCron();
    const runs: string[] = [];
    const jobs: ScheduledJob[] = [{ name: 'a', schedule: '17 4 * * *', run: () => void runs.push('a') }, { name: 'b', schedule: '*/5 * * * *', run: () => void runs.push('b') }];
    registerSchedules({ cron: api, jobs, timeZone: 'Europe/London', logger: recordingLogger() });
    expect(scheduled.map((s) => [s.expression, s.options])).toEqual([
      ['17 4 * * *', { name: 'a', timezone: 'Europe/London', noOverlap: true }],
      ['*/5 * * * *', { name: 'b', timezone: 'Europe/London', noOverlap: true }],
    ]);
  });

  it('refuses a bad expression at start, naming the job, and schedules nothing', () => {
    const { api, scheduled } = fakeCron();
    const jobs: ScheduledJob[] = [{ name: 'good', schedule: '0 4 * * *', run: () => {} }, { name: 'nightly', schedule: 'every night', run: () => {} }];
    expect(() => registerSchedules({ cron: api, jobs, timeZone: 'UTC', logger: recordingLogger() })).toThrow(/nightly \("every night"\)/);
    expect(scheduled).toHaveLength(0);
  });

  it('logs a failing job with its name and keeps going: the next tick runs again', async () => {
    const { api, scheduled } = fakeCron();
    const logger = recordingLogger();
    let calls = 0;
    registerSchedules({ cron: api, jobs: [{ name: 'flaky', schedule: '* * * * *', run: async () => { calls += 1; if (calls === 1) throw new Error('Stripe is down'); } }], timeZone: 'UTC', logger });
    await expect(scheduled[0]?.fire()).resolves.toBeUndefined();
    await expect(scheduled[0]?.fire()).resolves.toBeUndefined();
    expect(calls).toBe(2);
    const failure = logger.records.find((r) => r.level === 'error');
    expect(failure?.obj).toMatchObject({ job: 'flaky', err: expect.objectContaining({ message: 'Stripe is down' }) });
    expect(logger.records.filter((r) => r.level === 'error')).toHaveLength(1);
  });

  it('stops every task', async () => {
    const { api, scheduled } = fakeCron();
    const schedules = registerSchedules({ cron: api, jobs: [{ name: 'a', schedule: '0 * * * *', run: () => {} }], timeZone: 'UTC', logger: recordingLogger() });
    await schedules.stop();
    expect(scheduled[0]?.stopped).toBe(true);
  });
});

describe('billing reconcile job', () => {
  it('runs daily, reconciles for real, and warns when it had to repair drift', async () => {
    const logger = recordingLogger();
    const asked: boolean[] = [];
    const job = billingReconcileJob({ logger, reconcile: async ({ dryRun }) => (asked.push(dryRun), { checked: 3, changes: [{}], errors: [] }) });
    expect(job.schedule).toBe(BILLING_RECONCILE_SCHEDULE);
    expect(cron.validate(job.schedule)).toBe(true);
    await job.run();
    expect(asked).toEqual([false]);
    expect(logger.records.find((r) => r.level === 'warn')?.obj).toMatchObject({ checked: 3, repaired: 1 });
  });

  it('stays quiet when nothing drifted', async () => {
    const logger = recordingLogger();
    await billingReconcileJob({ logger, reconcile: async () => ({ checked: 3, changes: [], errors: [] }) }).run();
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(0);
  });
});
