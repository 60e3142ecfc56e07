// A FakeClock for whole-service tests: an advance wakes every sleeper due by the new time once, instead of stepping through each.
import { FakeClock } from '../clock';

/**
 * A FakeClock whose advance jumps: every sleeper due by the new time wakes once, and sleepers they
 * add wait for the next move. Stepping through a month of long polls and idle rechecks one by one
 * would take hours; nothing in a service test depends on the steps between.
 */
export class JumpingClock extends FakeClock {
  private readonly waiting = new Set<{ at: number; wake: () => void }>();

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { at: this.now() + Math.max(0, ms), wake: () => {
        this.waiting.delete(sleeper);
        signal?.removeEventListener('abort', sleeper.wake);
        resolve();
      } };
      this.waiting.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  override async advance(ms: number): Promise<void> {
    this.set(this.now() + Math.max(0, ms));
    for (const sleeper of [...this.waiting]) if (sleeper.at <= this.now()) sleeper.wake();
    await new Promise((r) => setImmediate(r));
  }
}
