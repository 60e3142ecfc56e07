// One-line descriptions of plans, for `signalcast plans check` and the /plans command.
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
  parts.push(`on ${plan.platforms.join(', ')}`);
  return `${plan.id} (${plan.name}, level ${plan.level}): ${parts.join('; ')}`;
}

/** Every plan, lowest level first, then the grace period. */
export function describePlans(plans: PlansConfig): string[] {
  return [...plans.plans].sort((a, b) => a.level - b.level).map(describePlan).concat(`past_due grace period: ${plans.graceDays} days`);
}
