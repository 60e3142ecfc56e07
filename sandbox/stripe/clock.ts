// The emulator's simulated time: a Clock plus an offset the drivers move, in Stripe's unit (seconds).
import { FakeClock, type Clock } from '../../core/clock';

export const DAY_SECONDS = 86_400;

/**
 * Time as the emulated Stripe sees it. With a FakeClock, moving time moves that clock (the whole
 * test world ages together); with any other clock, the emulator keeps its own offset.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private pinnedSec: number | undefined;

  constructor(private readonly base: Clock) {}

  nowMs(): number {
    return this.pinnedSec !== undefined ? this.pinnedSec * 1000 : this.base.now() + this.offsetMs;
  }

  /** Stripe timestamps: whole seconds since the epoch. */
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  async advance(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.base instanceof FakeClock) await this.base.advance(ms);
    else this.offsetMs += ms;
  }

  /** Moves simulated time ahead at once, by an offset whatever the base clock (a Stripe test clock advance: the rest of the world keeps its time). */
  jump(ms: number): void {
    if (ms > 0) this.offsetMs += ms;
  }

  /** Runs `fn` as if it were `sec` (work that fell due in the past is stamped with its due time). */
  at<T>(sec: number, fn: () => T): T {
    const previous = this.pinnedSec;
    this.pinnedSec = sec;
    try {
      return fn();
    } finally {
      this.pinnedSec = previous;
    }
  }
}

export type Interval = 'day' | 'week' | 'month' | 'year';

/** Adds billing intervals the way Stripe anchors them: same day of month, clamped to the month's end. */
export function addInterval(sec: number, interval: Interval, count = 1): number {
  if (interval === 'day') return sec + count * DAY_SECONDS;
  if (interval === 'week') return sec + count * 7 * DAY_SECONDS;
  const date = new Date(sec * 1000);
  const months = interval === 'month' ? count : count * 12;
  const day = date.getUTCDate();
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}
