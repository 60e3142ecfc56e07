// Builds a Stripe Price and the legacy Plan view of it that subscription items still carry.
import Stripe from 'stripe';
import type { Interval } from '../clock';

export interface PriceFields {
  id: string;
  created: number;
  product: string;
  currency: string;
  unitAmount: number;
  /** Absent for a one-time price. */
  recurring: { interval: Interval; intervalCount: number; trialPeriodDays: number | null } | null;
  nickname: string | null;
  lookupKey: string | null;
  active: boolean;
  metadata: Record<string, string>;
}

export function buildPrice(f: PriceFields): Stripe.Price {
  return {
    id: f.id,
    object: 'price',
    active: f.active,
    billing_scheme: 'per_unit',
    created: f.created,
    currency: f.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: f.lookupKey,
    metadata: f.metadata,
    nickname: f.nickname,
    product: f.product,
    recurring: f.recurring
      ? {
          interval: f.recurring.interval,
          interval_count: f.recurring.intervalCount,
          meter: null,
          trial_period_days: f.recurring.trialPeriodDays,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: f.recurring ? 'recurring' : 'one_time',
    unit_amount: f.unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(f.unitAmount),
  } satisfies Stripe.Price;
}

/** The Plan object a subscription item embeds beside its Price (same id, same numbers). */
export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: typeof price.product === 'string' ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: 'licensed',
  } satisfies Stripe.Plan;
}
