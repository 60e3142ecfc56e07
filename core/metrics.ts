// What the core reports for monitoring; server/metrics.ts turns it into Prometheus metrics.
import type { PlatformName } from './types';

export type DeliveryOutcome = 'sent' | 'retry' | 'rate_limited' | 'deferred' | 'skipped' | 'permanent' | 'dead' | 'duplicate_risk';
export type IngestOutcome = 'accepted' | 'duplicate' | 'invalid' | 'unauthorized' | 'rate_limited' | 'too_large' | 'unavailable';

export interface Metrics {
  /** One send attempt finished; `latencyMs` is the platform call's duration. */
  deliveryAttempt(platform: PlatformName, outcome: DeliveryOutcome, latencyMs: number): void;
  /** Time from a delivery being due to it being sent. */
  deliveryLag(platform: PlatformName, lagMs: number): void;
  ingest(outcome: IngestOutcome): void;
  deliveriesPlanned(count: number, skipped: number): void;
}

export const noopMetrics: Metrics = {
  deliveryAttempt: () => {},
  deliveryLag: () => {},
  ingest: () => {},
  deliveriesPlanned: () => {},
};
