// Words shared by the command answers: dates, plan benefits, lists. Plain text; platforms escape it.
import type { Capabilities } from '../../core/capabilities';
import { formatPrice, subscriberFeatures } from '../../core/plans/describe';
import type { Plan } from '../../core/plans/schema';

/** "5 Feb 2026" in the account's time zone. */
export function formatDate(at: number | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(at);
}

/** What a plan gives that this service can deliver, in words a subscriber reads (no platform names). */
export function planBenefits(plan: Plan, capabilities: Capabilities): string[] {
  return subscriberFeatures(plan, capabilities);
}

/** "Pro, $49.00/month: real-time alerts; ...; 7-day free trial". */
export function planLine(plan: Plan, capabilities: Capabilities): string {
  const parts = planBenefits(plan, capabilities);
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
