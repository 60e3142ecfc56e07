// The access job runner's retries and dead letters, against the neutral memory gate.
import { afterEach, describe, expect, it } from 'vitest';
import { startMemoryAccessWorld, type MemoryAccessWorld } from './memory-access.fixtures';

describe('access jobs through a neutral gate (memory gate, real SQLite)', () => {
  let w: MemoryAccessWorld;
  afterEach(() => w?.close());

  const onlyJob = () => {
    const [job, ...rest] = w.jobs.list({ limit: 10 });
    expect(rest).toEqual([]);
    return job!;
  };

  it('retries a refused grant 5 s later and grants it then', async () => {
    w = startMemoryAccessWorld();
    w.gate.failNext('platform unreachable', { method: 'grant' });
    const vip = await w.subscriber('101', 'vip');
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 1, dueAt: w.clock.now() + 5_000, lastError: expect.stringContaining('platform unreachable') });
    expect(w.gate.holds(w.resource, '101')).toBe(false);
    expect(w.told(vip).gate).toEqual([]);

    // Not due yet: nothing runs.
    await w.clock.advance(4_999);
    expect(await w.runJobs()).toBe(0);
    await w.clock.advance(1);
    expect(await w.runJobs()).toBe(1);
    expect(onlyJob()).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(w.gate.holds(w.resource, '101')).toBe(true);
    expect(w.told(vip).gate).toEqual(['welcome']);
    expect(w.accessAudit().map(([action]) => action)).toEqual(['access.grant_failed', 'access.granted']);
  });

  it('doubles the wait after each refusal and dead-letters the job after its last attempt, with the platform\'s answer', async () => {
    w = startMemoryAccessWorld();
    w.gate.failNext('missing permission to manage roles', { method: 'grant', count: 3 });
    const vip = await w.subscriber('202', 'vip');
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 1, dueAt: w.clock.now() + 5_000 });
    await w.clock.advance(5_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 2, dueAt: w.clock.now() + 10_000 });
    await w.clock.advance(10_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'dead', attempts: 3, lastError: expect.stringContaining('missing permission to manage roles') });
    expect(w.gate.callsOf('grant').map((c) => c.result)).toEqual(['failed', 'failed', 'failed']);
    expect(w.gate.holds(w.resource, '202')).toBe(false);
    expect(w.told(vip).gate).toEqual([]);

    // Dead means nothing runs any more, however long we wait.
    await w.clock.advance(3_600_000);
    expect(await w.runJobs()).toBe(0);
  });
});
