// The snapshot job: SNAPSHOT_TIME as a daily cron expression, registered in the operator's time zone.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../core/testing/logger';
import { registerSchedules, type Cron } from './index';
import { snapshotJob } from './snapshot';

describe('snapshotJob', () => {
  it('runs daily at SNAPSHOT_TIME, registered in the operator time zone, and a tick runs the snapshot', async () => {
    const scheduled: { expression: string; fire: () => Promise<void>; options: Record<string, unknown> }[] = [];
    const fake: Cron = {
      validate: (expression) => cron.validate(expression),
      schedule: ((expression: string, fire: () => Promise<void>, options: Record<string, unknown> = {}) => {
        scheduled.push({ expression, fire, options });
        return { stop: () => undefined } as unknown as ReturnType<Cron['schedule']>;
      }) as Cron['schedule'],
    };
    let runs = 0;
    const job = snapshotJob({ at: { hour: 18, minute: 5 }, run: () => ++runs });
    expect(job).toMatchObject({ name: 'snapshot', schedule: '5 18 * * *' });
    registerSchedules({ jobs: [job], timeZone: 'Europe/Paris', logger: recordingLogger(), cron: fake });
    expect(scheduled.map((s) => [s.expression, s.options])).toEqual([['5 18 * * *', { name: 'snapshot', timezone: 'Europe/Paris', noOverlap: true }]]);
    await scheduled[0]?.fire();
    expect(runs).toBe(1);
  });
});
