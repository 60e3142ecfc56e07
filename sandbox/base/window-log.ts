// The emulators' sliding-window log: timestamps of accepted requests, counted over a window as the platform counts them.
import type { RateWindow } from '../../core/delivery/chat-platform';

/**
 * Timestamps of accepted requests within one window, oldest first. The
 * emulators judge arrivals with it; the bot's own sender uses core's
 * SlidingWindow, which also tracks sends in flight.
 */
export class WindowLog {
  private times: number[] = [];
  private head = 0;

  /** How many timestamps fall in (now - windowMs, now]; drops older ones. */
  count(now: number, windowMs: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Milliseconds until the window has room for one more, given it holds `limit` already. */
  waitMs(now: number, window: RateWindow): number {
    const oldest = this.times[this.times.length - window.limit] ?? now;
    return oldest + window.windowMs - now;
  }

  add(at: number): void {
    this.times.push(at);
  }
}
