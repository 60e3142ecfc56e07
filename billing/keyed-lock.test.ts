// KeyedLock: one task at a time per key, other keys free, a failure does not jam the queue.
import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('KeyedLock', () => {
  it('runs tasks with the same key one after another, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const gate = deferred();
    const first = lock.run('sub_1', async () => { log.push('a start'); await gate.promise; log.push('a end'); });
    const second = lock.run('sub_1', async () => void log.push('b'));
    const other = lock.run('sub_2', async () => void log.push('c'));
    await other;
    await flush();
    expect(log).toEqual(['a start', 'c']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a start', 'c', 'a end', 'b']);
    await flush();
    expect(lock.size).toBe(0);
  });

  it('runs the next task after one fails, and hands each caller its own result', async () => {
    const lock = new KeyedLock();
    const failing = lock.run('k', async () => { throw new Error('boom'); });
    const next = lock.run('k', async () => 42);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });
});
