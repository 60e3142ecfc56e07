// Tells the operator when a publish cannot reach a platform's candidates before its alerts grow stale (issue 12, item 5).
import type { Logger } from '../logger';
import { offersOn } from '../plans/lookup';
import type { PlansConfig } from '../plans/schema';
import type { PublishEstimates } from '../signals/ports';
import type { Signal } from '../types';

/**
 * The maximum alert age that applies on a platform: the smallest among the plans offered there
 * and the signal's own; null when none sets one (they never expire).
 */
export function maxAgeOn(platform: string, plans: PlansConfig, signal: Pick<Signal, 'maxAlertAgeMinutes'>): number | null {
  const ages: number[] = [];
  for (const plan of plans.plans) if (plan.maxAlertAgeMinutes !== null && offersOn(plan, platform)) ages.push(plan.maxAlertAgeMinutes);
  if (signal.maxAlertAgeMinutes !== undefined) ages.push(signal.maxAlertAgeMinutes);
  return ages.length === 0 ? null : Math.min(...ages);
}

/** What helps on a platform, in words; the setting that raises its overall rate is <PLATFORM>_RATE_OVERALL for every chat app (config.ts). */
function remedy(platform: string): string {
  return 'post to channels instead of direct messages (one send reaches everyone in it); '
    + 'use the chat app\'s faster paid sending where it has one (Telegram\'s paid broadcasts, allow_paid_broadcast, up to 1,000 messages/s); '
    + `or raise ${platform.toUpperCase()}_RATE_OVERALL if the platform allows it`;
}

/**
 * One warning per platform whose estimate exceeds the maximum alert age there: the alerts sent last
 * would arrive older than that age and expire unsent. Names the signal, the platform, the
 * candidates, the estimate, the age, why, and what helps.
 */
export function warnSlowPlatforms(logger: Logger, signal: Signal, estimates: PublishEstimates, plans: PlansConfig): void {
  for (const [platform, { candidates, seconds }] of Object.entries(estimates)) {
    const age = maxAgeOn(platform, plans, signal);
    if (age === null || seconds <= age * 60) continue;
    logger.warn(
      { signalId: signal.id, platform, candidates, estimateSeconds: seconds, maxAlertAgeMinutes: age },
      `signal ${signal.id}: reaching its ${candidates} candidates on ${platform} takes about ${seconds} s at the configured rate, longer than the maximum alert age of ${age} min: `
        + `the alerts sent last would be stale and expire unsent. What helps: ${remedy(platform)}`,
    );
  }
}
