// Groups send results into small transactions: with synchronous=FULL one commit per send would cap throughput.
import type { Logger } from '../logger';
import type { DeliveryResult, DeliveryStore } from './ports';

export interface ResultBufferOptions {
  store: Pick<DeliveryStore, 'recordResults'>;
  logger: Logger;
  /** The longest a result waits before it is written. */
  intervalMs: number;
  /** Written at once when this many wait. */
  maxResults: number;
  /** Called after each batch is committed. */
  onFlushed: (batch: readonly DeliveryResult[]) => void;
}

/**
 * Holds results for at most `intervalMs` (a real timer: this is throughput,
 * not a domain rule) and writes them in one transaction. A batch that fails
 * to commit is kept and tried again, so no result is lost while the process
 * lives; rows stay 'sending' until then.
 */
export class ResultBuffer {
  private waiting: DeliveryResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly options: ResultBufferOptions) {}

  get size(): number {
    return this.waiting.length;
  }

  /** True when nothing waits and nothing is being written. */
  get drained(): boolean {
    return this.waiting.length === 0 && !this.busy;
  }

  push(result: DeliveryResult): void {
    this.waiting.push(result);
    if (this.waiting.length >= this.options.maxResults) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs);
  }

  /** Writes everything waiting now; resolves when it is committed (or has failed and been kept). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeBatch());
    return this.writing;
  }

  /** Stops the timer; results still waiting stay until the next flush. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writeBatch(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.busy = true;
    try {
      await this.options.store.recordResults(batch);
    } catch (err) {
      this.options.logger.error({ err, results: batch.length }, 'could not record delivery results; will try again');
      this.waiting = [...batch, ...this.waiting];
      this.timer ??= setTimeout(() => void this.flush(), Math.max(this.options.intervalMs, 1_000));
      return;
    } finally {
      this.busy = false;
    }
    this.options.onFlushed(batch);
  }
}
