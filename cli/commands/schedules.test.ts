// `signalcast schedules list|run` through the real program: each job with its schedule and last run, and one job run now through the service's guard.
import { describe, expect, it } from 'vitest';
import { scheduleAdmin } from '../../app/schedules';
import type { ReconcileReport } from '../../core/access/reconciler';
import { FakeClock } from '../../core/clock';
import { noopMetrics } from '../../core/metrics';
import { DEFAULT_PLANS } from '../../core/plans';
import { silentLogger } from '../../core/logger';
import { openMemoryDatabase } from '../../db/client';
import { SqliteNoticeOutbox } from '../../db/stores/notice-outbox';
import { SqliteScheduleRunStore } from '../../db/stores/schedule-run-store';
import { EXIT } from '../io';
import { testCli } from './cli.fixtures';

function cli(access: () => Promise<ReconcileReport> = async () => ({}) as ReconcileReport) {
  const db = openMemoryDatabase();
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 3, 47));
  const schedules = scheduleAdmin(() => ({
    db, clock, logger: silentLogger, metrics: noopMetrics, timeZone: 'Europe/Paris',
    settings: { snapshotAt: null, deadLetterReportAt: { hour: 8, minute: 30 }, trialReminders: true, retentionDays: 90 },
    access: { reconcile: access }, outbox: new SqliteNoticeOutbox({ db }), operatorIds: {}, plans: DEFAULT_PLANS,
  }), 'Europe/Paris');
  return { db, clock, ...testCli(db, clock, DEFAULT_PLANS, { schedules }) };
}

describe('signalcast schedules', () => {
  it('lists each job these settings register with its schedule in the operator\'s time zone, never run yet', async () => {
    const { run, io } = cli();
    await expect(run('schedules', 'list')).resolves.toBe(EXIT.ok);
    expect(io.stdout[0]).toMatch(/^JOB\s+SCHEDULE \(Europe\/Paris\)\s+LAST RUN\s+DURATION\s+OUTCOME\s+RUNS/);
    expect(io.stdout.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['access-reconcile', '3-59/5 * * * *', 'never'],
      ['dead-letter-report', '30 8 * * *', 'never'],
      ['prune-deliveries', '47 3 * * *', 'never'],
    ]);
  });

  it('runs one job now through the guard and lists its run', async () => {
    const { run, io, clock } = cli();
    await expect(run('schedules', 'run', 'prune-deliveries')).resolves.toBe(EXIT.ok);
    expect(io.stdout).toEqual(['prune-deliveries: ok in 0 ms.']);
    await expect(run('schedules', 'list', '--json')).resolves.toBe(EXIT.ok);
    const listed = JSON.parse(io.stdout[1]!) as { timeZone: string; jobs: { job: string; lastOutcome: string | null; runs: number; lastFinishedAt: string | null }[] };
    expect(listed.timeZone).toBe('Europe/Paris');
    expect(listed.jobs.find((j) => j.job === 'prune-deliveries')).toMatchObject({ lastOutcome: 'ok', runs: 1, lastFinishedAt: new Date(clock.now()).toISOString() });
  });

  it('says a job was skipped while another run holds it, and exits 1', async () => {
    const { run, io, db, clock } = cli();
    new SqliteScheduleRunStore({ db }).tryLease('dead-letter-report', 'host:42:service', clock.now(), clock.now() + 60_000);
    await expect(run('schedules', 'run', 'dead-letter-report')).resolves.toBe(EXIT.failure);
    expect(io.stderr).toEqual(['error: dead-letter-report: skipped: another run holds it (host:42:service holds the lease); try again when it ends']);
    await run('schedules', 'list');
    expect(io.stdout.find((l) => l.startsWith('dead-letter-report'))).toContain('skipped (running: host:42:service until 2026-12-06T03:48:00.000Z)');
  });

  it('reports a failed run with its error and exits 1; an unknown job is a usage error naming the jobs', async () => {
    const { run, io } = cli(async () => {
      throw new Error('Telegram is unreachable');
    });
    await expect(run('schedules', 'run', 'access-reconcile')).resolves.toBe(EXIT.failure);
    expect(io.stderr).toEqual(['error: access-reconcile: failed: Telegram is unreachable']);
    await expect(run('schedules', 'run', 'snapshot')).resolves.toBe(EXIT.usage);
    expect(io.stderr[1]).toBe('error: "snapshot" is not a scheduled job with these settings; expected one of access-reconcile, dead-letter-report, prune-deliveries');
  });
});
