// Alerts past their maximum age are never sent: the dispatcher's sweep marks them expired, counts and logs them.
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PlatformName } from '../types';
import type { DeliveryStore } from './ports';

/** A sweep runs at most this often... */
export const EXPIRY_INTERVAL_MS = 1_000;
/** ...and changes at most this many rows, so it never holds the delivery loop long. */
export const EXPIRY_LIMIT = 5_000;

/**
 * Run before each claim: at most once per `EXPIRY_INTERVAL_MS`, pending rows past their expires_at
 * become 'expired' (cap fields cleared), counted per platform (`deliveriesExpired`) and logged in one
 * line. Rows left over by the limit wait for the next sweep; findDue never returns them meanwhile.
 */
export class ExpirySweep {
  private nextAt = -Infinity;

  constructor(private readonly deps: { store: DeliveryStore; metrics: Metrics; logger: Logger }) {}

  async run(now: number): Promise<void> {
    if (now < this.nextAt) return;
    this.nextAt = now + EXPIRY_INTERVAL_MS;
    const expired = await this.deps.store.expireDue(now, EXPIRY_LIMIT);
    if (expired.length === 0) return;
    const byPlatform: Partial<Record<PlatformName, number>> = {};
    let total = 0;
    for (const { platform, count } of expired) {
      this.deps.metrics.deliveriesExpired(platform, count);
      byPlatform[platform] = count;
      total += count;
    }
    this.deps.logger.info({ expired: byPlatform, total }, 'alerts expired: not sent within their maximum age');
  }
}
