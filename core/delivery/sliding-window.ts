// An exact sliding window: the start times of the last `limit` sends, oldest first.
import type { RateWindow } from './chat-platform';

/**
 * Allows a send at `now` only when fewer than `limit` sends started in
 * (now - spanMs, now]. Keeping the last `limit` start times is enough: the
 * oldest of them says when the window opens again. Memory is O(limit).
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    /** The window plus the safety margin. */
    readonly spanMs: number,
  ) {}

  /** Milliseconds until one more send may start; 0 when it may start now. */
  waitMs(now: number): number {
    if (this.times.length < this.limit) return 0;
    const opensAt = (this.times[this.head] as number) + this.spanMs;
    return opensAt > now ? opensAt - now : 0;
  }

  /** Records a send that starts at `at` (never earlier than the last one recorded). */
  push(at: number): void {
    const t = Math.max(at, this.newest());
    if (this.times.length < this.limit) {
      this.times.push(t);
      return;
    }
    this.times[this.head] = t;
    this.head = (this.head + 1) % this.limit;
  }

  /**
   * Moves the most recent start times that are at or after `from` to `to`.
   * Used when a send granted at `from` actually starts later: a later start
   * time only makes the window stricter, so this is always safe.
   */
  restamp(from: number, to: number): void {
    const n = this.times.length;
    for (let i = 1; i <= n; i++) {
      const idx = (this.head - i + n) % n;
      const t = this.times[idx] as number;
      if (t < from) break;
      // Mapping [from, to) to `to` keeps the times in order.
      if (t < to) this.times[idx] = to;
    }
  }

  /** The latest start time recorded, or -Infinity. */
  newest(): number {
    const n = this.times.length;
    if (n === 0) return -Infinity;
    return this.times[(this.head - 1 + n) % n] as number;
  }

  /** True when every recorded send has left the window at `now`. */
  isClear(now: number): boolean {
    return this.newest() + this.spanMs <= now;
  }
}

/** The safety margin added to a window: a share of it, at least `minMs`. */
export function marginFor(window: RateWindow, ratio: number, minMs: number): number {
  return Math.max(minMs, Math.ceil(window.windowMs * ratio));
}
