// Descriptions of plans: one line per plan for `signalcast plans check`, and what a subscriber is offered (only what this service can deliver).
import { supportsAccess, type Capabilities } from '../capabilities';
import { describeResource } from './access';
import { offersOn } from './lookup';
import type { Plan, PlansConfig } from './schema';

/** "$49.00/month", "€490.00/year", "free". */
export function formatPrice(plan: Plan): string {
  if (plan.stripePriceId === null) return 'free';
  const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: plan.currency.toUpperCase() }).format(plan.priceCents / 100);
  return `${amount}/${plan.interval}`;
}

/** e.g. "pro (Pro, level 10): $49.00/month; real-time; no daily cap; rationale; snapshot; direct messages; trial 7 days". */
export function describePlan(plan: Plan): string {
  const parts = [
    formatPrice(plan),
    plan.delayMinutes === 0 ? 'real-time' : `${plan.delayMinutes} min delay`,
    plan.dailyCap === null ? 'no daily cap' : `${plan.dailyCap} alerts/day`,
  ];
  if (plan.rationale) parts.push('rationale');
  if (plan.snapshot) parts.push('snapshot');
  if (plan.directMessages) parts.push('direct messages');
  if (plan.access.length > 0) parts.push(`gates ${plan.access.map(describeResource).join(', ')}`);
  if (plan.apiAccess) parts.push('API access');
  if (plan.trialDays > 0) parts.push(`trial ${plan.trialDays} days`);
  parts.push(plan.platforms === null ? 'on every platform' : `on ${plan.platforms.join(', ')}`);
  return `${plan.id} (${plan.name}, level ${plan.level}): ${parts.join('; ')}`;
}

/** Plan features this version cannot deliver on any platform; subscribers are not shown them (see subscriberFeatures). */
function undeliverable(plans: PlansConfig): string[] {
  const used = (f: (p: Plan) => boolean) => plans.plans.some(f);
  return [
    used((p) => p.rationale) ? 'rationale' : '',
    used((p) => p.snapshot) ? 'snapshot' : '',
    used((p) => p.apiAccess) ? 'API access' : '',
  ].filter(Boolean);
}

/** Every plan, lowest level first, what this version does not deliver yet, then the grace period. */
export function describePlans(plans: PlansConfig): string[] {
  const lines = [...plans.plans].sort((a, b) => a.level - b.level).map(describePlan);
  const missing = undeliverable(plans);
  if (missing.length > 0) lines.push(`not delivered by this version, so not shown to subscribers: ${missing.join(', ')}`);
  return lines.concat(`past_due grace period: ${plans.graceDays} days`);
}

/**
 * What a plan gives, in words a subscriber reads (no platform names), limited to what `capabilities`
 * says this running service delivers: a rationale, a snapshot, or a gated place (a members-only chat
 * or role, a workspace licence) whose job is not running, or whose platform is not running or does not
 * declare that kind of access, is not promised.
 */
export function subscriberFeatures(plan: Plan, capabilities: Capabilities): string[] {
  const gives = (kinds: readonly string[]) =>
    plan.access.some((r) => kinds.includes(r.kind) && offersOn(plan, r.platform) && supportsAccess(capabilities, r.platform, r.kind));
  const out = [plan.delayMinutes === 0 ? 'real-time alerts' : `alerts ${plan.delayMinutes} min after publication`];
  out.push(plan.dailyCap === null ? 'no daily limit' : `up to ${plan.dailyCap} alert${plan.dailyCap === 1 ? '' : 's'} a day`);
  if (plan.rationale && capabilities.rationale) out.push('the reasoning behind each alert');
  if (plan.snapshot && capabilities.snapshot) out.push('a daily snapshot');
  if (plan.directMessages && capabilities.platforms.some((p) => offersOn(plan, p))) out.push('alerts by direct message');
  if (gives(['chat', 'role'])) out.push('the members-only channel');
  if (gives(['workspace'])) out.push('alerts in your team workspace');
  if (plan.apiAccess && capabilities.subscriberApi) out.push('API access');
  return out;
}

/**
 * What the plans gate that this running service cannot give, one line each, for a warning at start:
 * a place on a platform that does not run, or whose adapter does not declare that kind of access.
 * Such a place is neither promised to subscribers nor granted until it can be.
 */
export function accessNotGiven(plans: PlansConfig, capabilities: Pick<Capabilities, 'platforms' | 'access'>): string[] {
  const out: string[] = [];
  for (const plan of plans.plans) {
    for (const r of plan.access) {
      if (!capabilities.platforms.includes(r.platform)) out.push(`plan ${plan.id} gates ${describeResource(r)}, but ${r.platform} is not running here`);
      else if (!supportsAccess(capabilities, r.platform, r.kind)) out.push(`plan ${plan.id} gates ${describeResource(r)}, but the ${r.platform} adapter gives no ${r.kind} access`);
    }
  }
  return out;
}
