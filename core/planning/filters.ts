// Whether an account's settings and plan let a direct message through; the first failing rule names the reason.
import type { Plan } from '../plans/schema';
import { bandAtLeast } from '../signals/band';
import type { PlatformName } from '../types';
import type { ExclusionReason, PlanningAccount, PlanningSignal } from './types';

/** Null when the account gets direct messages of this signal, else why not. */
export function directExclusion(plan: Plan, platform: PlatformName, account: PlanningAccount, signal: PlanningSignal): ExclusionReason | null {
  if (!plan.directMessages) return 'plan_no_direct_messages';
  if (!plan.platforms.includes(platform)) return 'platform_not_in_plan';
  if (!account.directMessages) return 'direct_messages_off';
  if (account.paused) return 'paused';
  return filterExclusion(account, signal);
}

/** The account's own filters: symbols (case-insensitive), minimum band, sides. Empty lists filter nothing. */
export function filterExclusion(account: Pick<PlanningAccount, 'symbolFilter' | 'minBand' | 'sideFilter'>, signal: PlanningSignal): ExclusionReason | null {
  const symbols = account.symbolFilter;
  if (symbols && symbols.length > 0) {
    if (!hasSymbol(symbols, signal.symbol.toUpperCase())) return 'symbol_filter';
  }
  if (account.minBand && !bandAtLeast(signal.band, account.minBand)) return 'min_band';
  const sides = account.sideFilter;
  if (sides && sides.length > 0 && !sides.includes(signal.side)) return 'side_filter';
  return null;
}

/** Whether `symbols` holds `wanted` (upper-case) in any case; only same-length entries are upper-cased. */
function hasSymbol(symbols: readonly string[], wanted: string): boolean {
  for (const s of symbols) {
    if (s.length === wanted.length && s.toUpperCase() === wanted) return true;
  }
  return false;
}
