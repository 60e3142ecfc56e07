// Lets a loop sleep until a time or until it is poked, whichever comes first; a poke is never lost.
import type { Clock } from '../clock';

export class Wakeup {
  private controller = new AbortController();
  private poked = false;
  /** When the current sleep ends on its own (clock time); Infinity while awake. */
  sleepingUntil = Infinity;

  constructor(private readonly clock: Clock) {}

  /** Ends the current sleep now, or the next one at once if nobody sleeps. */
  poke(): void {
    this.poked = true;
    this.controller.abort();
  }

  /** True while asleep, or about to be woken by a poke. */
  get pokePending(): boolean {
    return this.poked;
  }

  /** Sleeps up to `ms`; returns at once when poked since the last sleep. */
  async sleep(ms: number): Promise<void> {
    if (!this.poked) {
      this.sleepingUntil = this.clock.now() + ms;
      await this.clock.sleep(ms, this.controller.signal);
      this.sleepingUntil = Infinity;
    }
    this.poked = false;
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }
}
