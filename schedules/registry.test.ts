// The registry: every job the configured parts need, registered with its cron in OPERATOR_TIME_ZONE, each tick through the guard; jobs whose settings are off are not registered.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { startSchedules } from '../app/schedules';
import type { ReconcileReport } from '../core/access/reconciler';
import { FakeClock } from '../core/clock';
import { noopMetrics } from '../core/metrics';
import { DEFAULT_PLANS } from '../core/plans';
import { recordingLogger } from '../core/testing/logger';
import { openMemoryDatabase } from '../db/client';
import { SqliteNoticeOutbox } from '../db/stores/notice-outbox';
import { SqliteScheduleRunStore } from '../db/stores/schedule-run-store';
import { JOB_NAMES, type ServiceJobsDeps } from './registry';
import { recordingCron } from './testing/idle-cron';

function deps(overrides: Partial<ServiceJobsDeps> = {}): ServiceJobsDeps {
  const db = overrides.db ?? openMemoryDatabase();
  return {
    db, clock: new FakeClock(), logger: recordingLogger(), metrics: noopMetrics, timeZone: 'Asia/Tokyo',
    settings: { snapshotAt: { hour: 18, minute: 0 }, deadLetterReportAt: { hour: 8, minute: 30 }, trialReminders: true, retentionDays: 90 },
    billing: async () => ({ checked: 0, changes: [], errors: [] }),
    access: { reconcile: async () => ({}) as ReconcileReport },
    outbox: new SqliteNoticeOutbox({ db }), operatorIds: {}, plans: DEFAULT_PLANS,
    snapshot: { name: 'snapshot', schedule: '0 18 * * *', run: () => {} },
    ...overrides,
  };
}

describe('the schedules registry', () => {
  it('registers every job with its cron in the operator\'s time zone', () => {
    const { cron: api, tasks } = recordingCron();
    startSchedules({ ...deps(), cron: api });
    expect(tasks.map((t) => [t.options.name, t.expression, t.options.timezone])).toEqual([
      ['snapshot', '0 18 * * *', 'Asia/Tokyo'],
      ['billing-reconcile', '17 4 * * *', 'Asia/Tokyo'],
      ['access-reconcile', '3-59/5 * * * *', 'Asia/Tokyo'],
      ['dead-letter-report', '30 8 * * *', 'Asia/Tokyo'],
      ['trial-reminders', '41 * * * *', 'Asia/Tokyo'],
      ['prune-deliveries', '47 3 * * *', 'Asia/Tokyo'],
    ]);
    expect(tasks.map((t) => t.options.name)).toEqual([...JOB_NAMES]);
    for (const task of tasks) expect(cron.validate(task.expression)).toBe(true);
  });

  it('leaves out what is not configured: no Stripe, no gate, no snapshot, the report off, reminders off, retention 0', () => {
    const { cron: api, tasks } = recordingCron();
    const none = deps({ billing: undefined, access: undefined, snapshot: undefined, settings: { snapshotAt: null, deadLetterReportAt: null, trialReminders: true, retentionDays: 0 } });
    expect(startSchedules({ ...none, cron: api })).toBeNull();
    expect(tasks).toEqual([]);
    startSchedules({ ...deps({ settings: { snapshotAt: null, deadLetterReportAt: null, trialReminders: false, retentionDays: 0 }, snapshot: undefined }), cron: api });
    expect(tasks.map((t) => t.options.name)).toEqual(['billing-reconcile', 'access-reconcile']);
  });

  it('runs each tick through the guard: recorded in schedule_runs, a failure logged and kept from the process', async () => {
    const db = openMemoryDatabase();
    const { cron: api, tasks } = recordingCron();
    const logger = recordingLogger();
    const schedules = startSchedules({ ...deps({ db, logger, access: { reconcile: async () => { throw new Error('Discord is down'); } } }), cron: api });
    for (const task of tasks) await task.fire();
    const runs = new SqliteScheduleRunStore({ db }).list();
    expect(Object.fromEntries(runs.map((r) => [r.job, r.lastOutcome]))).toEqual({
      'access-reconcile': 'failed', 'billing-reconcile': 'ok', 'dead-letter-report': 'ok', 'prune-deliveries': 'ok', snapshot: 'ok', 'trial-reminders': 'ok',
    });
    expect(runs.find((r) => r.job === 'access-reconcile')?.lastError).toBe('Discord is down');
    expect(logger.records.filter((r) => r.msg === 'scheduled job finished')).toHaveLength(5);
    await schedules?.stop();
    expect(tasks.every((t) => t.stopped)).toBe(true);
  });
});
