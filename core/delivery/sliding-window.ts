// One exact sliding window: sends in flight hold a slot; finished sends keep it for the window's span.
import type { RateWindow } from './chat-platform';

/**
 * At most `limit` sends in any window, measured where the platform measures:
 * at arrival, which lies somewhere between a send's start and its answer.
 * A send holds a slot from admission until its answer; then it is stamped
 * at max(start, answer - margin) and keeps the slot for windowMs + margin.
 * A later send therefore starts at least windowMs after the earlier one can
 * have arrived, whatever the network did in between. Memory is O(limit).
 */
export class SlidingWindow {
  /** Stamps of the last `limit` finished sends, oldest first, as a ring. */
  private readonly times: number[] = [];
  private head = 0;
  private inFlight = 0;
  readonly spanMs: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly marginMs: number,
  ) {
    this.spanMs = windowMs + marginMs;
  }

  /**
   * Milliseconds until a send of `count` requests (default 1) may start: 0 when it may now, undefined
   * when sends in flight hold the slots it needs (they open only after one finishes).
   */
  waitMs(now: number, count = 1): number | undefined {
    const need = Math.min(Math.max(1, count), this.limit);
    const free = this.limit - this.inFlight;
    if (free < need) return undefined;
    // Free when the (free - need + 1)-th newest finished send has left the window.
    const k = free - need + 1;
    if (this.times.length < k) return 0;
    const opensAt = this.nthNewest(k) + this.spanMs;
    return opensAt > now ? opensAt - now : 0;
  }

  /** How many single sends may start now: the slots neither in flight nor held by a finished send still in the window. */
  available(now: number): number {
    const free = this.limit - this.inFlight;
    if (free <= 0) return 0;
    // Finished stamps are kept in order: find how many of the newest are still in the window (binary search).
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.nthNewest(mid) + this.spanMs > now) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, free - lo);
  }

  /** Holds `count` slots (default 1) for a send that makes that many requests. */
  admit(count = 1): void {
    this.inFlight += count;
  }

  /** A send admitted earlier (with `count` slots) got its answer (or failed) at `answeredAt`. */
  finish(startedAt: number, answeredAt: number, count = 1): void {
    this.inFlight = Math.max(0, this.inFlight - count);
    // Kept in order: a stamp later than the truth only makes the window stricter.
    const stamp = Math.max(startedAt, answeredAt - this.marginMs, this.newest());
    for (let i = 0; i < count; i++) {
      if (this.times.length < this.limit) {
        this.times.push(stamp);
        continue;
      }
      this.times[this.head] = stamp;
      this.head = (this.head + 1) % this.limit;
    }
  }

  /** A send admitted earlier (with `count` slots) never went out. */
  cancel(count = 1): void {
    this.inFlight = Math.max(0, this.inFlight - count);
  }

  /** True when nothing is in flight and every finished send has left the window. */
  isClear(now: number): boolean {
    return this.inFlight === 0 && this.newest() + this.spanMs <= now;
  }

  private newest(): number {
    return this.times.length === 0 ? -Infinity : this.nthNewest(1);
  }

  /** k = 1 is the newest; k <= times.length. */
  private nthNewest(k: number): number {
    const n = this.times.length;
    return this.times[(this.head + n - k) % n] as number;
  }
}

/** The safety margin added to a window: a share of it, at least `minMs`. */
export function marginFor(window: RateWindow, ratio: number, minMs: number): number {
  return Math.max(minMs, Math.ceil(window.windowMs * ratio));
}
