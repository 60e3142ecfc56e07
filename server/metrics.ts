// Prometheus metrics (prom-client): the core's Metrics interface, plus queue depth read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EventLoopDelay } from './event-loop-delay';
import type { DeliveryOutcome, IngestOutcome, JobOutcome, Metrics, RationaleMetric } from '../core/metrics';
import type { PlatformName } from '../core/types';

/** One row of the outbox's size: how many deliveries a platform has in a state. */
export interface QueueDepthRow {
  platform: string;
  state: string;
  count: number;
}

/** How long a platform's oldest due, pending alert has waited since its due time. */
export interface OldestPendingAlertRow {
  platform: string;
  seconds: number;
}

export interface PromMetricsOptions {
  /** Read at every scrape (for example the delivery store's countByPlatformAndState). */
  queueDepth?: () => QueueDepthRow[] | Promise<QueueDepthRow[]>;
  /** Read at every scrape, a bounded read (see `oldestAlertAges`). */
  oldestPendingAlert?: () => OldestPendingAlertRow[] | Promise<OldestPendingAlertRow[]>;
  /** Process metrics (CPU, memory, event loop); on by default. */
  defaultMetrics?: boolean;
}

const SEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'platform' | 'outcome'>;
  private readonly sendSeconds: Histogram<'platform'>;
  private readonly lagSeconds: Histogram<'platform'>;
  private readonly ingestTotal: Counter<'outcome'>;
  private readonly planned: Counter;
  private readonly skipped: Counter;
  private readonly rationales: Counter<'source' | 'reason'>;
  private readonly rationaleTokens: Counter<'kind'>;
  private readonly rationaleSeconds: Histogram<'source'>;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobLastRun: Gauge<'job'>;
  private readonly jobLastDuration: Gauge<'job'>;
  private readonly jobLastOk: Gauge<'job'>;
  private readonly expired: Counter<'platform'>;
  private readonly superseded: Counter<'platform'>;

  constructor(options: PromMetricsOptions = {}) {
    const registers = [this.registry];
    this.deliveries = new Counter({ name: 'signalcast_deliveries_total', help: 'Send attempts by platform and outcome', labelNames: ['platform', 'outcome'], registers });
    this.sendSeconds = new Histogram({ name: 'signalcast_delivery_send_seconds', help: 'Duration of the platform send call', labelNames: ['platform'], buckets: SEND_BUCKETS, registers });
    this.lagSeconds = new Histogram({ name: 'signalcast_delivery_lag_seconds', help: 'Time from a delivery being due to it being sent', labelNames: ['platform'], buckets: LAG_BUCKETS, registers });
    this.ingestTotal = new Counter({ name: 'signalcast_ingest_total', help: 'Ingest API requests by outcome', labelNames: ['outcome'], registers });
    this.planned = new Counter({ name: 'signalcast_deliveries_planned_total', help: 'Deliveries written at planning', registers });
    this.skipped = new Counter({ name: 'signalcast_deliveries_skipped_total', help: 'Deliveries skipped at planning (daily cap, filters)', registers });
    this.rationales = new Counter({ name: 'signalcast_rationales_total', help: 'Rationales written, by source (model or template) and why the template was used', labelNames: ['source', 'reason'], registers });
    this.rationaleTokens = new Counter({ name: 'signalcast_rationale_tokens_total', help: 'Tokens the model used for rationales, by kind (prompt or completion)', labelNames: ['kind'], registers });
    this.rationaleSeconds = new Histogram({ name: 'signalcast_rationale_seconds', help: 'Time to write a rationale, model calls and retries included', labelNames: ['source'], buckets: SEND_BUCKETS.concat([20, 30, 60]), registers });
    this.jobRuns = new Counter({ name: 'signalcast_job_runs_total', help: 'Scheduled job runs by job and outcome (ok, failed, skipped: another run held it)', labelNames: ['job', 'outcome'], registers });
    this.jobLastRun = new Gauge({ name: 'signalcast_job_last_run_timestamp_seconds', help: 'When each scheduled job last finished a run', labelNames: ['job'], registers });
    this.jobLastDuration = new Gauge({ name: 'signalcast_job_last_duration_seconds', help: 'How long each scheduled job\'s last run took', labelNames: ['job'], registers });
    this.jobLastOk = new Gauge({ name: 'signalcast_job_last_success', help: '1 when the job\'s last run (not skipped) succeeded, 0 when it failed', labelNames: ['job'], registers });
    this.expired = new Counter({ name: 'signalcast_deliveries_expired_total', help: 'Alerts not sent within their maximum age (marked expired), by platform', labelNames: ['platform'], registers });
    this.superseded = new Counter({ name: 'signalcast_deliveries_superseded_total', help: 'Alerts not sent because their signal was stopped or closed first (marked superseded), by platform', labelNames: ['platform'], registers });
    const queueDepth = options.queueDepth;
    new Gauge({
      name: 'signalcast_queue_depth',
      help: 'Deliveries in the outbox by platform and state, read at scrape time',
      labelNames: ['platform', 'state'],
      registers,
      async collect() {
        const rows = (await queueDepth?.()) ?? [];
        this.reset();
        for (const row of rows) this.set({ platform: row.platform, state: row.state }, row.count);
      },
    });
    const oldestPendingAlert = options.oldestPendingAlert;
    new Gauge({
      name: 'signalcast_oldest_pending_alert_seconds',
      help: 'Age (now - due time) of the oldest due, pending alert by platform, 0 when none, read at scrape time',
      labelNames: ['platform'],
      registers,
      async collect() {
        const rows = (await oldestPendingAlert?.()) ?? [];
        this.reset();
        for (const row of rows) this.set({ platform: row.platform }, row.seconds);
      },
    });
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      loopDelayGauges(registers, new EventLoopDelay().start());
    }
  }

  deliveryAttempt(platform: PlatformName, outcome: DeliveryOutcome, latencyMs: number): void {
    this.deliveries.inc({ platform, outcome });
    // A recovered in-flight delivery made no call in this process: nothing to time.
    if (outcome !== 'duplicate_risk') this.sendSeconds.observe({ platform }, latencyMs / 1000);
  }

  deliveryLag(platform: PlatformName, lagMs: number): void {
    this.lagSeconds.observe({ platform }, Math.max(0, lagMs) / 1000);
  }

  ingest(outcome: IngestOutcome): void {
    this.ingestTotal.inc({ outcome });
  }

  deliveriesPlanned(count: number, skipped: number): void {
    if (count > 0) this.planned.inc(count);
    if (skipped > 0) this.skipped.inc(skipped);
  }

  rationaleWritten(w: RationaleMetric): void {
    this.rationales.inc({ source: w.source, reason: w.reason ?? 'none' });
    if (w.promptTokens > 0) this.rationaleTokens.inc({ kind: 'prompt' }, w.promptTokens);
    if (w.completionTokens > 0) this.rationaleTokens.inc({ kind: 'completion' }, w.completionTokens);
    this.rationaleSeconds.observe({ source: w.source }, Math.max(0, w.latencyMs) / 1000);
  }

  deliveriesExpired(platform: PlatformName, count: number): void {
    if (count > 0) this.expired.inc({ platform }, count);
  }

  deliveriesSuperseded(platform: PlatformName, count: number): void {
    if (count > 0) this.superseded.inc({ platform }, count);
  }

  jobRun(job: string, outcome: JobOutcome, durationMs: number, finishedAt: number): void {
    this.jobRuns.inc({ job, outcome });
    if (outcome === 'skipped') return;
    this.jobLastRun.set({ job }, finishedAt / 1000);
    this.jobLastDuration.set({ job }, Math.max(0, durationMs) / 1000);
    this.jobLastOk.set({ job }, outcome === 'ok' ? 1 : 0);
  }

  /** The text exposition format, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The gauge's rows: every platform named gets one (0 when it has no due, pending alert), and so does
 * any other platform with such an alert (its rows wait for an adapter that is not configured).
 */
export function oldestAlertAges(oldest: readonly { platform: string; dueAt: number }[], platforms: readonly string[], now: number): OldestPendingAlertRow[] {
  const ages = new Map<string, number>(platforms.map((p) => [p, 0]));
  for (const row of oldest) ages.set(row.platform, Math.max(0, now - row.dueAt) / 1000);
  return [...ages].map(([platform, seconds]) => ({ platform, seconds }));
}

/** The event loop's worst delay and p99 since the previous scrape (server/event-loop-delay.ts: no stall missed). */
function loopDelayGauges(registers: Registry[], delay: EventLoopDelay): void {
  // Registered first, so its collect (which takes the window for both) runs before p99 is read.
  let p99Ms = 0;
  new Gauge({
    name: 'signalcast_event_loop_delay_max_seconds',
    help: 'The event loop\'s longest stall since the previous scrape (10 ms heartbeat on the real clock)',
    registers,
    collect() {
      const window = delay.take();
      p99Ms = window.p99Ms;
      this.set(window.maxMs / 1000);
    },
  });
  new Gauge({
    name: 'signalcast_event_loop_delay_p99_seconds',
    help: 'The 99th percentile of the event loop\'s delay since the previous scrape (10 ms heartbeat)',
    registers,
    collect() {
      this.set(p99Ms / 1000);
    },
  });
}
