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

  /** Writes everything waiting now; resolves when it is committed (or has failed and been kept for later). */
  flush(): Promise<void> {
    return this.commitWith((batch) => (batch.length > 0 ? this.options.store.recordResults(batch) : undefined)).catch((err: unknown) => {
      this.options.logger.error({ err }, 'could not record delivery results; will try again');
    });
  }

  /**
   * Runs `commit` with everything waiting, so that the results share a
   * transaction with other writes (the next claim). Writes never overlap.
   * If `commit` fails the batch is kept, a retry is scheduled and the error
   * is passed on.
   */
  commitWith<T>(commit: (batch: readonly DeliveryResult[]) => T | Promise<T>): Promise<T> {
    const run = this.writing.then(async () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      const batch = this.waiting;
      this.waiting = [];
      this.busy = true;
      let out: T;
      try {
        out = await commit(batch);
      } catch (err) {
        this.waiting = [...batch, ...this.waiting];
        if (this.waiting.length > 0) this.timer ??= setTimeout(() => void this.flush(), Math.max(this.options.intervalMs, 1_000));
        throw err;
      } finally {
        this.busy = false;
      }
      if (batch.length > 0) this.options.onFlushed(batch);
      return out;
    });
    this.writing = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Stops the timer; results still waiting stay until the next flush. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
