// Whether an account's settings and plan let a direct message through; the first failing rule names the reason.
import { offersOn } from '../plans/lookup';
import type { Plan, PlansConfig } from '../plans/schema';
import { bandAtLeast } from '../signals/band';
import type { PlatformName } from '../types';
import { filterTakes, symbolFilterSet, symbolForms } from './symbols';
import type { ExclusionReason, PlanningAccount, PlanningSignal } from './types';

// The planner checks every candidate of a signal: the filter's set is made once per account's list
// (the candidate cache keeps account objects across signals), the symbol's forms once per signal.
const filterSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const signalForms = new WeakMap<PlanningSignal, { symbol: string; forms: readonly string[] }>();

function filterSetOf(entries: readonly string[]): ReadonlySet<string> {
  let set = filterSets.get(entries);
  if (!set) filterSets.set(entries, (set = symbolFilterSet(entries)));
  return set;
}

function formsOf(signal: PlanningSignal): readonly string[] {
  const known = signalForms.get(signal);
  if (known && known.symbol === signal.symbol) return known.forms;
  const forms = symbolForms(signal.symbol);
  signalForms.set(signal, { symbol: signal.symbol, forms });
  return forms;
}

/** Null when the account gets direct messages of this signal, else why not. */
export function directExclusion(plan: Plan, platform: PlatformName, account: PlanningAccount, signal: PlanningSignal): ExclusionReason | null {
  if (!plan.directMessages) return 'plan_no_direct_messages';
  if (!offersOn(plan, platform)) return 'platform_not_in_plan';
  if (!account.directMessages) return 'direct_messages_off';
  if (account.paused) return 'paused';
  return filterExclusion(account, signal);
}

/**
 * Null when a channel the account owns gets this signal, else why not: the plan must be offered on
 * the channel's platform, and the owner's filters (symbols, band, sides) apply. A person's
 * direct-message choices (direct messages off, /stop, quiet hours) do not: they are about their DMs.
 */
export function ownedChannelExclusion(
  plan: Plan, platform: PlatformName, owner: PlanningAccount, signal: PlanningSignal, licensed: ReadonlySet<PlatformName> = NO_PLATFORMS,
): ExclusionReason | null {
  if (!offersOn(plan, platform)) return 'platform_not_in_plan';
  if (licensed.has(platform) && !hasWorkspaceLicence(plan, platform)) return 'no_workspace_licence';
  return filterExclusion(owner, signal);
}

const NO_PLATFORMS: ReadonlySet<PlatformName> = new Set();
const licensedByPlans = new WeakMap<PlansConfig, ReadonlySet<PlatformName>>();

/** Whether the plan gives a workspace licence on the platform (an access entry of kind `workspace` there, e.g. `{ slack: { workspaceLicence: true } }`). */
export function hasWorkspaceLicence(plan: Plan, platform: PlatformName): boolean {
  return offersOn(plan, platform) && plan.access.some((r) => r.kind === 'workspace' && r.platform === platform);
}

/**
 * The platforms some plan gives a workspace licence on: there a channel a workspace owns gets
 * alerts only under a plan with that licence (the free plan must not leak into an unlicensed
 * workspace). Worked out once per plans config.
 */
export function licensedPlatforms(plans: PlansConfig): ReadonlySet<PlatformName> {
  let set = licensedByPlans.get(plans);
  if (!set) {
    set = new Set(plans.plans.flatMap((p) => p.access.filter((r) => r.kind === 'workspace').map((r) => r.platform)));
    licensedByPlans.set(plans, set);
  }
  return set;
}

/**
 * The account's own filters: symbols, minimum band, sides. Empty lists filter nothing. A symbol entry
 * matches the exact symbol, or a base asset followed by a known quote (core/planning/symbols.ts), in
 * any case and with any separator: "BTC" takes BTCUSDT, BTC-PERP and BTC/USDT, not BTCDOWNUSDT.
 */
export function filterExclusion(account: Pick<PlanningAccount, 'symbolFilter' | 'minBand' | 'sideFilter'>, signal: PlanningSignal): ExclusionReason | null {
  const symbols = account.symbolFilter;
  if (symbols && symbols.length > 0) {
    if (!filterTakes(filterSetOf(symbols), formsOf(signal))) return 'symbol_filter';
  }
  if (account.minBand && !bandAtLeast(signal.band, account.minBand)) return 'min_band';
  const sides = account.sideFilter;
  if (sides && sides.length > 0 && !sides.includes(signal.side)) return 'side_filter';
  return null;
}
