// How late the event loop runs: a heartbeat timer that reads the real clock, so no stall between two scrapes is missed.
//
// perf_hooks.monitorEventLoopDelay (behind prom-client's nodejs_eventloop_lag_*) misses stalls that run in the
// timers phase just before its own timer: libuv hands that timer the loop's cached time, so a 150 ms block can be
// recorded as 10 ms (seen on Node 20). Here each beat compares performance.now() with when it was due.

/** The delays seen since the last `take()`, in ms: the worst one and the 99th percentile (to the millisecond). */
export interface LoopDelayWindow {
  maxMs: number;
  p99Ms: number;
  beats: number;
}

const LAST_BUCKET_MS = 10_000;

export class EventLoopDelay {
  /** counts[n]: beats that came n ms late (the last bucket: that late or later). */
  private readonly counts = new Uint32Array(LAST_BUCKET_MS + 1);
  private beats = 0;
  private maxMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private due = 0;

  constructor(private readonly everyMs = 10) {}

  start(): this {
    if (this.timer) return this;
    this.due = performance.now() + this.everyMs;
    this.timer = setInterval(() => this.beat(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private beat(): void {
    const now = performance.now();
    const late = Math.max(0, now - this.due);
    this.due = now + this.everyMs;
    this.beats++;
    if (late > this.maxMs) this.maxMs = late;
    this.counts[Math.min(LAST_BUCKET_MS, Math.floor(late))]! += 1;
  }

  /** The window since the previous call, then a new window. A stall still under way counts as late as it is so far. */
  take(): LoopDelayWindow {
    // Called from a scrape, which itself runs on the loop: a beat overdue now is a delay too.
    const overdue = Math.max(0, performance.now() - this.due);
    const maxMs = Math.max(this.maxMs, this.timer ? overdue : 0);
    let p99Ms = 0;
    if (this.beats > 0) {
      const rank = Math.ceil(this.beats * 0.99);
      let seen = 0;
      for (let ms = 0; ms <= LAST_BUCKET_MS; ms++) {
        seen += this.counts[ms]!;
        if (seen >= rank) {
          p99Ms = ms;
          break;
        }
      }
    }
    const window = { maxMs, p99Ms: Math.min(p99Ms, maxMs), beats: this.beats };
    this.counts.fill(0);
    this.beats = 0;
    this.maxMs = 0;
    return window;
  }
}
