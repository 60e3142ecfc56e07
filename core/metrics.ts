// What the core reports for monitoring; server/metrics.ts turns it into Prometheus metrics.
import type { PlatformName } from './types';

export type DeliveryOutcome = 'sent' | 'retry' | 'rate_limited' | 'deferred' | 'skipped' | 'permanent' | 'dead' | 'duplicate_risk';
export type IngestOutcome = 'accepted' | 'duplicate' | 'invalid' | 'unauthorized' | 'rate_limited' | 'too_large' | 'unavailable';

/** Who wrote a rationale: the model (its answer checked), or the template from the reasons. */
export type RationaleSource = 'model' | 'template';
/** How one run of a scheduled job ended: done, failed, or not run because another run held it. */
export type JobOutcome = 'ok' | 'failed' | 'skipped';

/** One rationale written: who wrote it, why the template (null for the model), tokens and the time it took. */
export interface RationaleMetric {
  source: RationaleSource;
  reason: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
}

export interface Metrics {
  /** One send attempt finished; `latencyMs` is the platform call's duration. */
  deliveryAttempt(platform: PlatformName, outcome: DeliveryOutcome, latencyMs: number): void;
  /** Time from a delivery being due to it being sent. */
  deliveryLag(platform: PlatformName, lagMs: number): void;
  ingest(outcome: IngestOutcome): void;
  deliveriesPlanned(count: number, skipped: number): void;
  /** A rationale was written and stored. */
  rationaleWritten(written: RationaleMetric): void;
  /** Deliveries not sent within their maximum age, marked expired. */
  deliveriesExpired(platform: PlatformName, count: number): void;
  /** Deliveries not sent because their signal was stopped or closed first, marked superseded. */
  deliveriesSuperseded(platform: PlatformName, count: number): void;
  /** A scheduled job's run ended at `finishedAt` (ms since the epoch). */
  jobRun(job: string, outcome: JobOutcome, durationMs: number, finishedAt: number): void;
}

export const noopMetrics: Metrics = {
  deliveryAttempt: () => {},
  deliveryLag: () => {},
  ingest: () => {},
  deliveriesPlanned: () => {},
  rationaleWritten: () => {},
  jobRun: () => {},
  deliveriesExpired: () => {},
  deliveriesSuperseded: () => {},
};
