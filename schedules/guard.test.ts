// The guard: one run at a time in a process and across processes on one database file, each run recorded with its outcome, a stale lease taken over, and /metrics showing runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { noopMetrics } from '../core/metrics';
import { recordingLogger } from '../core/testing/logger';
import { openDatabase, openMemoryDatabase, type Db } from '../db/client';
import { SqliteScheduleRunStore } from '../db/stores/schedule-run-store';
import { createHarness } from '../server/testing/harness';
import { until } from '../core/testing/until';
import { JobGuard, type JobGuardDeps } from './guard';

const MINUTE = 60_000;

function guardOn(db: Db, clock: FakeClock, more: Partial<JobGuardDeps> = {}) {
  const logger = recordingLogger();
  const runs = new SqliteScheduleRunStore({ db });
  return { guard: new JobGuard({ runs, clock, logger, metrics: noopMetrics, ...more }), runs, logger };
}

/** A job that hangs until released, counting its runs. */
function hangingJob() {
  let release = () => {};
  let started = 0;
  const job = {
    name: 'slow', schedule: '* * * * *', maxDurationMs: 10 * MINUTE,
    run: () => {
      started += 1;
      return new Promise<void>((resolve) => (release = resolve));
    },
  };
  return { job, release: () => release(), started: () => started };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the job guard', () => {
  it('skips a tick while the same job still runs in this process, then runs the next one', async () => {
    const clock = new FakeClock();
    const { guard, runs } = guardOn(openMemoryDatabase(), clock);
    const hang = hangingJob();
    const guarded = guard.guard(hang.job);
    const first = guarded.run();
    await expect(guarded.run()).resolves.toBe('skipped');
    expect(hang.started()).toBe(1);
    hang.release();
    await expect(first).resolves.toBe('ok');
    expect(runs.get('slow')).toMatchObject({ lastOutcome: 'ok', runs: 1, leaseHolder: null, leaseUntil: null });
    const again = guarded.run();
    hang.release();
    await expect(again).resolves.toBe('ok');
    expect(hang.started()).toBe(2);
  });

  it('lets one of two processes on one database file run the job; the other is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signalcast-guard-'));
    dirs.push(dir);
    const file = join(dir, 'two.db');
    const dbA = openDatabase(file);
    const dbB = openDatabase(file);
    try {
      const clock = new FakeClock();
      const a = guardOn(dbA, clock, { holder: 'process-a' });
      const b = guardOn(dbB, clock, { holder: 'process-b' });
      const hang = hangingJob();
      const runA = a.guard.guard(hang.job).run();
      const runB = await b.guard.guard(hang.job).run();
      expect(runB).toBe('skipped');
      expect(hang.started()).toBe(1);
      expect(b.runs.get('slow')).toMatchObject({ leaseHolder: 'process-a', lastOutcome: 'skipped', lastError: 'process-a holds the lease' });
      expect(b.logger.records.find((r) => r.msg?.includes('skipped'))?.obj).toMatchObject({ job: 'slow', reason: 'process-a holds the lease' });
      hang.release();
      await expect(runA).resolves.toBe('ok');
      // Released: the other process takes it next time.
      const runB2 = b.guard.guard(hang.job).run();
      hang.release();
      await expect(runB2).resolves.toBe('ok');
      expect(a.runs.get('slow')).toMatchObject({ lastOutcome: 'ok', runs: 2, leaseHolder: null });
    } finally {
      dbA.$client.close();
      dbB.$client.close();
    }
  });

  it('records a failing run as failed with its error (no secret in it), and the next run still happens', async () => {
    const clock = new FakeClock();
    const { guard, runs, logger } = guardOn(openMemoryDatabase(), clock, { scrub: (t) => t.replaceAll('sk_live_abcdef', '[REDACTED]') });
    let calls = 0;
    const guarded = guard.guard({
      name: 'flaky', schedule: '0 * * * *',
      run: () => {
        calls += 1;
        clock.advance(1_500);
        if (calls === 1) throw new Error('Stripe refused key sk_live_abcdef');
      },
    });
    await expect(guarded.run()).resolves.toBe('failed');
    expect(runs.get('flaky')).toMatchObject({ lastOutcome: 'failed', lastError: 'Stripe refused key [REDACTED]', lastDurationMs: 1_500, leaseHolder: null });
    expect(logger.records.find((r) => r.level === 'error')?.obj).toMatchObject({ job: 'flaky', error: 'Stripe refused key [REDACTED]' });
    await expect(guarded.run()).resolves.toBe('ok');
    expect(runs.get('flaky')).toMatchObject({ lastOutcome: 'ok', lastError: null, runs: 2 });
    expect(calls).toBe(2);
  });

  it('takes over a lease whose holder died, once the lease has expired', async () => {
    const clock = new FakeClock();
    const db = openMemoryDatabase();
    const { guard, runs } = guardOn(db, clock, { holder: 'alive' });
    // A process took the lease for 10 minutes and died without finishing.
    expect(runs.tryLease('report', 'dead-process', clock.now(), clock.now() + 10 * MINUTE)).toBe(true);
    let ran = 0;
    const guarded = guard.guard({ name: 'report', schedule: '0 * * * *', run: () => void (ran += 1) });
    clock.advance(5 * MINUTE);
    await expect(guarded.run()).resolves.toBe('skipped');
    expect(ran).toBe(0);
    clock.advance(5 * MINUTE + 1);
    await expect(guarded.run()).resolves.toBe('ok');
    expect(ran).toBe(1);
    expect(runs.get('report')).toMatchObject({ lastOutcome: 'ok', lastStartedAt: clock.now(), leaseHolder: null });
  });

  it('keeps pushing out the lease of a run that outlives it, so no other process takes the job meanwhile', async () => {
    const clock = new FakeClock();
    const db = openMemoryDatabase();
    const { guard, runs } = guardOn(db, clock, { holder: 'long-runner', renewEveryMs: 5 });
    const hang = hangingJob();
    const running = guard.guard(hang.job).run();
    clock.advance(25 * MINUTE);
    await until(() => runs.get('slow')?.leaseUntil === clock.now() + 10 * MINUTE, 'the lease renewed past its first end');
    expect(runs.tryLease('slow', 'other', clock.now(), clock.now() + MINUTE)).toBe(false);
    hang.release();
    await expect(running).resolves.toBe('ok');
    expect(runs.get('slow')).toMatchObject({ leaseHolder: null, lastDurationMs: 25 * MINUTE });
  });

  it('shows each run in /metrics: runs by outcome, the last run, its duration and success', async () => {
    const h = await createHarness();
    try {
      const { guard } = guardOn(h.db, h.clock, { metrics: h.metrics });
      const guarded = guard.guard({ name: 'prune-deliveries', schedule: '47 3 * * *', run: () => void h.clock.advance(2_000) });
      await guarded.run();
      const body = (await h.app.inject('/metrics')).body;
      expect(body).toContain('signalcast_job_runs_total{job="prune-deliveries",outcome="ok"} 1');
      expect(body).toContain('signalcast_job_last_duration_seconds{job="prune-deliveries"} 2');
      expect(body).toContain('signalcast_job_last_success{job="prune-deliveries"} 1');
      expect(body).toContain(`signalcast_job_last_run_timestamp_seconds{job="prune-deliveries"} ${h.clock.now() / 1000}`);
    } finally {
      await h.app.close();
    }
  });
});
