// Builds a Stripe Subscription and its item; in this API version the billing period lives on the item.
import type Stripe from 'stripe';
import { planFromPrice } from './price';
import { buildList } from './list';

export interface SubscriptionFields {
  id: string;
  itemId: string;
  created: number;
  customer: string;
  price: Stripe.Price;
  quantity: number;
  status: Stripe.Subscription.Status;
  periodStart: number;
  periodEnd: number;
  trialStart: number | null;
  trialEnd: number | null;
  metadata: Record<string, string>;
  discounts: string[];
  defaultPaymentMethod: string | null;
  description: string | null;
  missingPaymentMethod: 'cancel' | 'create_invoice' | 'pause';
}

export function buildSubscriptionItem(f: SubscriptionFields): Stripe.SubscriptionItem {
  return {
    id: f.itemId,
    object: 'subscription_item',
    billing_thresholds: null,
    created: f.created,
    current_period_end: f.periodEnd,
    current_period_start: f.periodStart,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(f.price),
    price: f.price,
    quantity: f.quantity,
    subscription: f.id,
    tax_rates: [],
  } satisfies Stripe.SubscriptionItem;
}

export function buildSubscription(f: SubscriptionFields): Stripe.Subscription {
  return {
    id: f.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null },
    billing_cycle_anchor: f.trialEnd ?? f.periodStart,
    billing_cycle_anchor_config: null,
    billing_mode: { type: 'classic', flexible: null },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: f.created,
    currency: f.price.currency,
    customer: f.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: f.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: f.description,
    discounts: f.discounts,
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: buildList([buildSubscriptionItem(f)], `/v1/subscription_items?subscription=${f.id}`),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: f.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: f.created,
    status: f.status,
    test_clock: null,
    transfer_data: null,
    trial_end: f.trialEnd,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: f.missingPaymentMethod } },
    trial_start: f.trialStart,
  } satisfies Stripe.Subscription;
}

/** The subscription's one item (Signalcast subscriptions hold a single price). */
export function itemOf(sub: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = sub.items.data[0];
  if (!item) throw new Error(`subscription ${sub.id} has no item`);
  return item;
}
