// Descriptions of plans: one line per plan for `signalcast plans check`, and what a subscriber is offered (only what this service can deliver).
import type { Capabilities } from '../capabilities';
import type { PlatformName } from '../types';
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
  if (plan.discordRoleIds.length > 0) parts.push(`Discord roles ${plan.discordRoleIds.join(', ')}`);
  if (plan.telegramChatIds.length > 0) parts.push(`Telegram chats ${plan.telegramChatIds.join(', ')}`);
  if (plan.slackEnterprise) parts.push('Slack enterprise');
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
    used((p) => p.slackEnterprise) ? 'Slack enterprise' : '',
    used((p) => p.apiAccess) ? 'API access' : '',
    used((p) => p.discordRoleIds.length > 0) ? 'Discord roles' : '',
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
 * says this running service delivers: a rationale, a snapshot, Slack workspaces or a members-only
 * channel whose platform or job is not running is not promised.
 */
export function subscriberFeatures(plan: Plan, capabilities: Capabilities): string[] {
  const runs = (platform: PlatformName) => capabilities.platforms.includes(platform) && offersOn(plan, platform);
  const out = [plan.delayMinutes === 0 ? 'real-time alerts' : `alerts ${plan.delayMinutes} min after publication`];
  out.push(plan.dailyCap === null ? 'no daily limit' : `up to ${plan.dailyCap} alert${plan.dailyCap === 1 ? '' : 's'} a day`);
  if (plan.rationale && capabilities.rationale) out.push('the reasoning behind each alert');
  if (plan.snapshot && capabilities.snapshot) out.push('a daily snapshot');
  if (plan.directMessages && capabilities.platforms.some((p) => offersOn(plan, p))) out.push('alerts by direct message');
  if ((plan.telegramChatIds.length > 0 && runs('telegram')) || (plan.discordRoleIds.length > 0 && runs('discord'))) out.push('the members-only channel');
  if (plan.slackEnterprise && capabilities.slackWorkspaces && runs('slack')) out.push('alerts in your team workspace');
  if (plan.apiAccess && capabilities.subscriberApi) out.push('API access');
  return out;
}
