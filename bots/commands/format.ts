// Words shared by the command answers: dates, plan benefits, lists. Plain text; platforms escape it.
import { formatPrice } from '../../core/plans/describe';
import type { Plan } from '../../core/plans/schema';

/** "5 Feb 2026" in the account's time zone. */
export function formatDate(at: number | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(at);
}

/** "5 Feb 2026, 14:30 UTC" in the account's time zone. */
export function formatDateTime(at: number | Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
  return `${formatDate(at, timeZone)}, ${time} ${timeZone}`;
}

/** What a plan gives, in words a subscriber reads (no platform names). */
export function planBenefits(plan: Plan): string[] {
  const out = [plan.delayMinutes === 0 ? 'real-time alerts' : `alerts ${plan.delayMinutes} min after publication`];
  out.push(plan.dailyCap === null ? 'no daily limit' : `up to ${plan.dailyCap} alert${plan.dailyCap === 1 ? '' : 's'} a day`);
  if (plan.rationale) out.push('the reasoning behind each alert');
  if (plan.snapshot) out.push('a daily snapshot');
  if (plan.directMessages) out.push('alerts by direct message');
  if (plan.telegramChatIds.length > 0 || plan.discordRoleIds.length > 0) out.push('the members-only channel');
  if (plan.slackEnterprise) out.push('alerts in your team workspace');
  if (plan.apiAccess) out.push('API access');
  return out;
}

/** "Pro, $49.00/month: real-time alerts; ...; 7-day free trial". */
export function planLine(plan: Plan): string {
  const parts = planBenefits(plan);
  if (plan.trialDays > 0) parts.push(`${plan.trialDays}-day free trial`);
  return `${plan.name}, ${formatPrice(plan)}: ${parts.join('; ')}`;
}

/** "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A one-message answer. */
export function say(text: string): { text: string } {
  return { text };
}
