// The 202's estimates: per platform, its candidates and the seconds to reach them all at its configured overall rate.
import type { PlatformWindows } from '../delivery/chat-platform';
import type { PublishEstimates } from '../signals/ports';
import type { PlatformName } from '../types';
import type { DeliveryRates } from './ports';

/**
 * One entry per platform with candidates and a known rate: seconds = candidates / sends per second,
 * rounded up (0 where the platform declares no limit). A platform not running here (no rate) gets
 * no entry: nothing is sent there. An upper bound: candidates the check excludes are counted too.
 */
export function estimatesOf(counts: ReadonlyMap<PlatformName, number>, rates: DeliveryRates | undefined): PublishEstimates {
  const out: PublishEstimates = {};
  if (!rates) return out;
  for (const [platform, candidates] of counts) {
    const perSecond = rates.perSecond(platform);
    if (perSecond === undefined || perSecond <= 0 || candidates === 0) continue;
    out[platform] = { candidates, seconds: Number.isFinite(perSecond) ? Math.ceil(candidates / perSecond) : 0 };
  }
  return out;
}

/** The sum of the counts. */
export function totalOf(counts: ReadonlyMap<PlatformName, number>): number {
  let n = 0;
  for (const c of counts.values()) n += c;
  return n;
}

/**
 * Each platform's rate for the estimates, from the limits its dispatcher limiter enforces (the
 * adapter's declaration with the operator's overrides): the overall window; without one, a
 * workspace's (Slack: a broadcast to one workspace goes no faster); without either, no limit.
 */
export function ratesFrom(limits: ReadonlyMap<PlatformName, PlatformWindows>): DeliveryRates {
  const perSecond = new Map<PlatformName, number>();
  for (const [platform, windows] of limits) {
    const window = windows.overall ?? windows.perTenant;
    perSecond.set(platform, window ? (window.limit * 1000) / window.windowMs : Infinity);
  }
  return { perSecond: (platform) => perSecond.get(platform) };
}
