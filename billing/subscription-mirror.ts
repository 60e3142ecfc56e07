// Maps a Stripe subscription to the local mirror (SubscriptionUpsert) and says which mirrored fields differ.
import type Stripe from 'stripe';
import type { SubscriptionUpsert } from '../core/accounts/ports';
import type { Subscription } from '../core/accounts/types';
import type { Instant } from '../core/entitlement';
import { planById, planByPriceId, type Plan, type PlansConfig } from '../core/plans';

/** The mirrored fields that matter to entitlement; a change in any of them is a change. */
export const MIRRORED_FIELDS = ['accountId', 'planId', 'status', 'currentPeriodEnd', 'cancelAtPeriodEnd', 'trialEnd', 'pastDueSince'] as const;
export type MirroredField = (typeof MIRRORED_FIELDS)[number];

const seconds = (s: number | null | undefined): number | null => (s === null || s === undefined ? null : s * 1000);
const ms = (t: Instant | null | undefined): number | null => (t === null || t === undefined ? null : typeof t === 'number' ? t : t.getTime());

/** The item that decides the plan: the one whose price is the highest plan, else the first. */
export function planItem(sub: Stripe.Subscription, plans: PlansConfig): { item: Stripe.SubscriptionItem | undefined; plan: Plan | undefined } {
  let best: { item: Stripe.SubscriptionItem; plan: Plan } | undefined;
  for (const item of sub.items.data) {
    const plan = planByPriceId(plans, item.price.id);
    if (plan && (!best || plan.level > best.plan.level)) best = { item, plan };
  }
  return best ?? { item: sub.items.data[0], plan: undefined };
}

/**
 * The plan id to store: the plan of the item's price; else the plan named in the metadata we set at
 * checkout (an operator who replaced a plan's price keeps old subscribers on it); else "price:<id>",
 * which entitlement treats as an unknown plan (access denied, operator alerted).
 */
export function planIdOf(sub: Stripe.Subscription, plans: PlansConfig): string {
  const { item, plan } = planItem(sub, plans);
  if (plan) return plan.id;
  const named = sub.metadata?.planId;
  if (named && planById(plans, named)?.stripePriceId) return named;
  return `price:${item?.price.id ?? 'none'}`;
}

/** What mapping one subscription needs besides Stripe's object. */
export interface MirrorContext {
  accountId: string;
  plans: PlansConfig;
  /** The local row as it is now, if any: pastDueSince is kept while the subscription stays past_due. */
  before: Subscription | null;
  now: number;
}

/**
 * Stripe's subscription as our mirror row. Since API version 2025-03-31 the billing period lives on
 * each item (items.data[].current_period_end), not on the subscription.
 */
export function toSubscriptionUpsert(sub: Stripe.Subscription, ctx: MirrorContext): SubscriptionUpsert {
  const { item } = planItem(sub, ctx.plans);
  const periodEnd = seconds(item?.current_period_end);
  // A portal cancellation can set cancel_at (a date) rather than the flag; at or before the period end it means the same.
  const cancelAt = seconds(sub.cancel_at);
  const cancelAtPeriodEnd = sub.cancel_at_period_end || (cancelAt !== null && periodEnd !== null && cancelAt <= periodEnd);
  return {
    accountId: ctx.accountId,
    stripeSubscriptionId: sub.id,
    planId: planIdOf(sub, ctx.plans),
    status: sub.status,
    currentPeriodEnd: periodEnd,
    cancelAtPeriodEnd,
    trialEnd: seconds(sub.trial_end),
    pastDueSince: pastDueSince(sub, item, ctx),
    source: 'stripe',
  };
}

/**
 * When the grace period starts. Kept from the local row while it stays past_due; otherwise the start
 * of the current period (a renewal or trial end whose payment failed opens the period that is past
 * due), so a webhook missed and repaired days later does not extend the grace. Now, if that is unknown.
 */
function pastDueSince(sub: Stripe.Subscription, item: Stripe.SubscriptionItem | undefined, ctx: MirrorContext): number | null {
  if (sub.status !== 'past_due') return null;
  const kept = ctx.before?.status === 'past_due' ? ms(ctx.before.pastDueSince) : null;
  if (kept !== null) return kept;
  const periodStart = seconds(item?.current_period_start);
  return periodStart === null ? ctx.now : Math.min(ctx.now, periodStart);
}

function valueOf(row: Subscription | SubscriptionUpsert, field: MirroredField): string | number | boolean | null {
  const value = row[field];
  if (value === undefined || value === null) return field === 'cancelAtPeriodEnd' ? false : null;
  if (value instanceof Date) return value.getTime();
  return value;
}

/** The mirrored fields where `next` differs from the local row; every field when there is no row. */
export function changedFields(before: Subscription | null, next: SubscriptionUpsert): MirroredField[] {
  if (!before) return [...MIRRORED_FIELDS];
  return MIRRORED_FIELDS.filter((field) => valueOf(before, field) !== valueOf(next, field));
}
