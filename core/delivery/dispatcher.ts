// The delivery loop: claims due work in priority order as the limits allow, sends with bounded concurrency, records results.
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PlatformName } from '../types';
import type { ChatPlatform } from './chat-platform';
import type { ContentResolver } from './content';
import { resolveLimits, type RateOverrides } from './default-limits';
import { selectDue } from './due-selection';
import { ExpirySweep } from './expiry';
import type { DeliveryResult, DeliveryStore, DueOrder } from './ports';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter';
import { ResultBuffer } from './result-buffer';
import type { RetryPolicy } from './retry-policy';
import { sendDelivery, type SendJob, type SenderDeps } from './sender';
import { Wakeup } from './wake';

/** The most sends one tick starts (see tick). */
export const LAUNCH_BATCH = 16;

export interface DispatcherOptions {
  store: DeliveryStore;
  /** The platforms with an adapter; deliveries for any other platform stay pending. */
  platforms: ReadonlyMap<PlatformName, ChatPlatform>;
  content: ContentResolver;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  retryPolicy: RetryPolicy;
  /** Sends in flight at most (DELIVERY_CONCURRENCY). */
  concurrency: number;
  /** Windows that replace the platforms' default limits (config.rateOverrides). */
  limits?: RateOverrides;
  /** The limiter's safety margin. */
  limiter?: RateLimiterOptions;
  /** How long stop() waits for sends in flight (SHUTDOWN_TIMEOUT_MS). Default 15 s. */
  shutdownTimeoutMs?: number;
  /** Results wait at most this long before they are written (or go with the next claim). Default 20 ms. */
  flushIntervalMs?: number;
  /** ...or are written as soon as this many wait. Default 200. */
  flushMaxResults?: number;
  /** The longest sleep without a poke, to pick up rows other processes wrote (the CLI). Default 5 s. */
  idleRecheckMs?: number;
}

/**
 * Sends due deliveries: paid real-time first, then delayed, then snapshots.
 * Build it with plain parameters (see main.ts), `start()` it, `poke()` it
 * after each commit that adds due work, and `stop()` it on SIGTERM.
 * It sleeps until the next due time, the next opening of a limit, a finished
 * send when all slots were busy, or a poke (the ingest API pokes after each
 * commit): no polling interval adds latency and nothing spins.
 */
export class Dispatcher {
  private readonly limiters = new Map<PlatformName, RateLimiter>();
  private readonly results: ResultBuffer;
  private readonly wake: Wakeup;
  private readonly inFlight = new Set<Promise<void>>();
  /** Destinations disabled by a result not yet written: their other rows are about to be skipped. */
  private readonly disabling = new Set<string>();
  private readonly lowWater: number;
  private waitingForSlots = false;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private loopEnded = false;
  private closed = false;
  private flushes = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly expiry: ExpirySweep;
  /** Whose turn is next, newest or oldest: kept from tick to tick, so a tick with one free slot does not always start the newest. */
  private turn: DueOrder = 'newest';
  /** The last tick started LAUNCH_BATCH sends with slots to spare. */
  private batchCut = false;
  private readonly sender: SenderDeps;

  constructor(private readonly o: DispatcherOptions) {
    if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    for (const [name, platform] of o.platforms) {
      this.limiters.set(name, new RateLimiter(resolveLimits(platform.defaultLimits, o.limits?.[name]), o.limiter));
    }
    this.lowWater = Math.floor(o.concurrency / 2);
    this.wake = new Wakeup(o.clock);
    this.expiry = new ExpirySweep({ store: o.store, metrics: o.metrics, logger: o.logger });
    this.results = new ResultBuffer({
      store: o.store,
      logger: o.logger,
      intervalMs: o.flushIntervalMs ?? 20,
      maxResults: o.flushMaxResults ?? 200,
      onFlushed: (batch) => this.afterFlush(batch),
    });
    this.sender = {
      content: o.content,
      clock: o.clock,
      metrics: o.metrics,
      logger: o.logger,
      retryPolicy: o.retryPolicy,
      record: (result) => this.record(result),
      slotFreed: () => this.wake.poke(),
      disabling: (destinationId) => this.disabling.add(destinationId),
    };
  }

  /** Sends in flight now. */
  get sending(): number {
    return this.inFlight.size;
  }

  /** Puts rows a crash left in 'sending' back to pending (logging each as a possible duplicate) and starts the loop. */
  async start(): Promise<void> {
    if (this.loop) return;
    const { store, clock, logger, metrics } = this.o;
    for (const r of await store.recoverInFlight(clock.now())) {
      logger.warn({ deliveryId: r.id, recipientKey: r.recipientKey, platform: r.platform, contentId: r.contentId, kind: r.kind },
        'delivery was being sent when the process stopped: sending it again, it may arrive twice');
      metrics.deliveryAttempt(r.platform as PlatformName, 'duplicate_risk', 0);
    }
    for (const q of await store.countByPlatformAndState()) {
      if (q.state === 'pending' && !this.o.platforms.has(q.platform as PlatformName)) {
        logger.warn({ platform: q.platform, pending: q.count }, 'deliveries wait for a platform that is not configured; they stay pending');
      }
    }
    this.loop = this.run();
  }

  /** New work was committed: look now instead of at the next planned wake-up. */
  poke(): void {
    this.wake.poke();
  }

  /** The platform's limiter, so that other calls to it (access changes) share its limits; undefined for an unknown platform. */
  limiterFor(platform: PlatformName): RateLimiter | undefined {
    return this.limiters.get(platform);
  }

  /**
   * Resolves the next time the loop sleeps until a later time with no poke,
   * send or unwritten result pending: nothing more happens until the clock
   * moves or someone pokes (for tests and benchmarks).
   */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /** Takes no new work, waits for sends in flight (up to the shutdown timeout), writes their results. */
  async stop(): Promise<void> {
    if (!this.loop || this.stopping) return;
    this.stopping = true;
    this.wake.poke();
    await this.loop;
    if (this.inFlight.size > 0) {
      const timeout = new AbortController();
      const timedOut = this.o.clock.sleep(this.o.shutdownTimeoutMs ?? 15_000, timeout.signal).then(() => true);
      const finished = Promise.allSettled([...this.inFlight]).then(() => false);
      if (await Promise.race([finished, timedOut])) {
        this.o.logger.warn({ inFlight: this.inFlight.size }, 'shutdown timeout: sends still in flight stay claimed and are retried at the next start');
      }
      timeout.abort();
    }
    this.closed = true;
    await this.results.flush();
    this.results.close();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const flushesBefore = this.flushes;
      let sleepMs: number;
      try {
        sleepMs = await this.tick();
      } catch (err) {
        this.o.logger.error({ err }, 'delivery loop failed; trying again shortly');
        sleepMs = 1_000;
      }
      if (this.stopping) break;
      if (this.flushes !== flushesBefore || this.batchCut) {
        // A batch written during the tick may have rescheduled rows the tick did not see, or the tick started its most
        // and slots are left: look again once the loop has had its turn (requests, answers, planning).
        this.batchCut = false;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const sleeping = this.wake.sleep(sleepMs);
      this.checkIdle();
      await sleeping;
    }
    this.loopEnded = true;
  }

  /** Claims and starts what may go now; returns how long to sleep. */
  private async tick(): Promise<number> {
    const { clock, store } = this.o;
    const idleRecheckMs = this.o.idleRecheckMs ?? 5_000;
    const now = clock.now();
    this.batchCut = false;
    const free = this.o.concurrency - this.inFlight.size;
    this.waitingForSlots = free <= 0;
    if (free <= 0) return idleRecheckMs;
    // Starting a send (its content read, its request built) costs about half a millisecond of the loop: a tick that
    // started a whole concurrency's worth would hold a publish or a webhook for tens of ms.
    const slots = Math.min(free, LAUNCH_BATCH);

    let wakeAt = now + idleRecheckMs;
    const active = new Set<PlatformName>();
    for (const [name, limiter] of this.limiters) {
      const wait = limiter.platformWaitMs(now);
      if (wait === 0) active.add(name);
      else wakeAt = Math.min(wakeAt, now + wait);
    }

    await this.expiry.run(now);
    const jobs: SendJob[] = [];
    let exhausted = false;
    try {
      const selection = { store, limiters: this.limiters, platforms: this.o.platforms, disabling: this.disabling };
      const picked = await selectDue(selection, { now, slots, active, turn: this.turn }, jobs, (waitMs) => (wakeAt = Math.min(wakeAt, now + waitMs)));
      exhausted = picked.exhausted;
      this.turn = picked.turn;
      // The batch filled with slots to spare: the next tick comes after a turn of the loop, not after a sleep.
      this.batchCut = jobs.length === slots && slots < free;
      if (jobs.length > 0) {
        const ids = jobs.map((j) => j.row.id);
        const claimed = new Set(await this.results.commitWith((batch) => store.claim(ids, now, batch)));
        for (const job of jobs.splice(0)) {
          if (claimed.has(job.row.id)) this.launch(job);
          else if (job.grant.cancel()) this.wake.poke();
        }
      }
    } finally {
      // Nothing was claimed (the database failed): give the slots back.
      for (const job of jobs) job.grant.cancel();
    }
    if (this.inFlight.size >= this.o.concurrency) {
      this.waitingForSlots = true;
      return idleRecheckMs;
    }
    if (exhausted && active.size > 0) {
      const next = await store.nextDueAt([...active], now);
      if (next !== undefined) wakeAt = Math.min(wakeAt, next);
    } else if (!exhausted && active.size > 0) {
      // Due rows are left although slots are free (a claim was lost to another writer): look again soon.
      wakeAt = Math.min(wakeAt, now + 1);
    }
    return Math.max(1, wakeAt - clock.now());
  }

  private launch(job: SendJob): void {
    const task = sendDelivery(job, this.sender).catch((err: unknown) => {
      this.o.logger.error({ err, deliveryId: job.row.id }, 'delivery send failed unexpectedly');
    });
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      if (this.inFlight.size === 0) void this.results.flush();
      if (this.waitingForSlots && this.inFlight.size <= this.lowWater) {
        this.waitingForSlots = false;
        this.wake.poke();
      }
      this.checkIdle();
    });
  }

  private record(result: DeliveryResult): void {
    if (this.closed) {
      this.o.logger.warn({ deliveryId: result.id, result: result.type }, 'send finished after shutdown; the delivery stays claimed and is retried at the next start');
      return;
    }
    this.results.push(result);
  }

  private afterFlush(batch: readonly DeliveryResult[]): void {
    this.flushes++;
    let earliest = Infinity;
    for (const r of batch) {
      if (r.type === 'permanent') this.disabling.delete(r.destinationId);
      if (r.type === 'retry' || r.type === 'rate_limited' || r.type === 'deferred') earliest = Math.min(earliest, r.dueAt);
    }
    if (earliest < this.wake.sleepingUntil) this.wake.poke();
    this.checkIdle();
  }

  /** Idle: the loop sleeps until a later time (or is not running), with no poke, send or result pending. */
  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const until = this.wake.sleepingUntil;
    const asleep = !this.loop || this.loopEnded || (until !== Infinity && until > this.o.clock.now());
    if (!asleep || this.wake.pokePending || this.inFlight.size > 0 || !this.results.drained) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
