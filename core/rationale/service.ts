// The rationale service: after a publish, writes the signal's rationale in the background (a few at a time), stores it, releases its waiting deliveries and wakes the dispatcher.
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Signal } from '../types';
import type { RationaleModel, RationaleStore } from './ports';
import { writeRationale } from './writer';

export interface RationaleServiceDeps {
  store: RationaleStore;
  /** Null: no model set; every rationale is the template (no_model). */
  model: RationaleModel | null;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Called after a rationale's deliveries were released (pokes the dispatcher). */
  onReleased: () => void;
  /** Rationales written at once; 4 unless given. */
  concurrency?: number | undefined;
  /**
   * How often the signals of the last day still wanting a rationale are looked for (those another
   * process, such as `signalcast signal publish`, published); 30 s unless given.
   */
  rescanEveryMs?: number | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Writes each wanted rationale once per process: a signal queued or in flight is not queued again,
 * however many recipients or publishes name it. Nothing here is awaited by a publish.
 */
export class RationaleService {
  private readonly queue: Signal[] = [];
  private readonly taken = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly concurrency: number;
  private idleWaiters: (() => void)[] = [];
  private running = false;
  /** Publishes whose look-up is still to run. */
  private lookingUp = 0;

  constructor(private readonly deps: RationaleServiceDeps) {
    this.concurrency = Math.max(1, deps.concurrency ?? 4);
  }

  /**
   * Starts taking signals, with every signal whose rationale is still wanted (a crash before it was
   * written), then looks again now and then for those another process published.
   */
  start(): void {
    this.running = true;
    try {
      const wanted = this.deps.store.allWanted();
      if (wanted.length > 0) this.deps.logger.info({ count: wanted.length }, 'writing the rationales still wanted from before the start');
      for (const signal of wanted) this.enqueue(signal);
    } catch (err) {
      this.deps.logger.error({ err }, 'could not read the rationales still wanted; they are written at the next start');
    }
    void this.rescan();
  }

  private async rescan(): Promise<void> {
    const every = this.deps.rescanEveryMs ?? 30_000;
    while (this.running) {
      await this.deps.clock.sleep(every, this.abort.signal);
      if (!this.running) return;
      try {
        for (const signal of this.deps.store.wantedSince(this.deps.clock.now() - DAY_MS)) this.enqueue(signal);
      } catch (err) {
        this.deps.logger.warn({ err }, 'could not look for the rationales still wanted; looking again later');
      }
    }
  }

  /**
   * After a publish: queues the signal's rationale if it is wanted. Never throws, never waits: the
   * look-up and the model call start on the next turn of the event loop, after the 202 has gone.
   */
  published(signalId: string): void {
    if (!this.running || this.taken.has(signalId)) return;
    this.lookingUp += 1;
    setImmediate(() => {
      this.lookingUp -= 1;
      if (this.running && !this.taken.has(signalId)) {
        try {
          const signal = this.deps.store.wanted(signalId);
          if (signal) this.enqueue(signal);
        } catch (err) {
          this.deps.logger.error({ err, signalId }, 'could not read whether the signal wants a rationale; it is written at the next start');
        }
      }
      this.wakeIfIdle();
    });
  }

  /** Resolves once nothing is queued or being written. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes nothing more and abandons the model calls under way: their signals stay wanted and are
   * written at the next start. Resolves when the calls have come back.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.length = 0;
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(signal: Signal): void {
    if (this.taken.has(signal.id)) return;
    this.taken.add(signal.id);
    this.queue.push(signal);
    this.pump();
  }

  private pump(): void {
    while (this.running && this.inFlight.size < this.concurrency && this.queue.length > 0) {
      const signal = this.queue.shift() as Signal;
      const work = this.write(signal).finally(() => {
        this.inFlight.delete(work);
        this.pump();
      });
      this.inFlight.add(work);
    }
    this.wakeIfIdle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight.size === 0 && this.lookingUp === 0;
  }

  private wakeIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async write(signal: Signal): Promise<void> {
    const { store, clock, logger, metrics } = this.deps;
    try {
      const written = await writeRationale(signal, { model: this.deps.model, clock, logger, signal: this.abort.signal });
      // Abandoned at shutdown: stored nothing; the next start writes it.
      if (this.abort.signal.aborted) return;
      const released = store.saveAndRelease(signal.id, written, clock.now());
      metrics.rationaleWritten({ source: written.source, reason: written.reason, promptTokens: written.promptTokens, completionTokens: written.completionTokens, latencyMs: written.latencyMs });
      logger.info({ signalId: signal.id, source: written.source, reason: written.reason, released, latencyMs: written.latencyMs }, 'rationale written');
      if (released > 0) this.deps.onReleased();
    } catch (err) {
      // Left wanted: written at the next start. Another publish of it may try again now.
      this.taken.delete(signal.id);
      logger.error({ err, signalId: signal.id }, 'could not store the rationale; it stays wanted and is written at the next start');
    }
  }
}
