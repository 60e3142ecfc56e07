// Mapping Stripe's subscription to the mirror: period from the item, plan from the price, cancel_at, pastDueSince, and field diffs.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { Subscription } from '../core/accounts/types';
import { TEST_PLANS } from './testing/harness';
import { changedFields, toSubscriptionUpsert } from './subscription-mirror';

const NOW = Date.UTC(2026, 1, 20, 12);
const sec = (ms: number) => Math.floor(ms / 1000);
const PERIOD_START = Date.UTC(2026, 1, 15, 12);
const PERIOD_END = Date.UTC(2026, 2, 15, 12);

function item(priceId: string): Stripe.SubscriptionItem {
  return { id: `si_${priceId}`, price: { id: priceId }, current_period_start: sec(PERIOD_START), current_period_end: sec(PERIOD_END) } as unknown as Stripe.SubscriptionItem;
}

/** Only the fields the mapping reads; the end-to-end tests use whole objects from the emulator. */
function sub(fields: Partial<Omit<Stripe.Subscription, 'items'>> & { prices?: string[] } = {}): Stripe.Subscription {
  const { prices = ['price_pro_monthly'], ...rest } = fields;
  return { id: 'sub_1', customer: 'cus_1', status: 'active', cancel_at_period_end: false, cancel_at: null, trial_end: null, metadata: {}, items: { data: prices.map(item) }, ...rest } as unknown as Stripe.Subscription;
}

const ctx = (before: Subscription | null = null) => ({ accountId: 'acc_1', plans: TEST_PLANS, before, now: NOW });

describe('toSubscriptionUpsert', () => {
  it('takes the period from the subscription item and the plan from its price', () => {
    expect(toSubscriptionUpsert(sub(), ctx())).toEqual({
      accountId: 'acc_1', stripeSubscriptionId: 'sub_1', planId: 'pro', status: 'active',
      currentPeriodEnd: PERIOD_END, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe',
    });
  });

  it('picks the highest plan among several items', () => {
    expect(toSubscriptionUpsert(sub({ prices: ['price_other', 'price_vip_monthly', 'price_pro_monthly'] }), ctx()).planId).toBe('vip');
  });

  it('falls back to the plan named in our metadata for a price the plans file no longer has, else marks the price unknown', () => {
    expect(toSubscriptionUpsert(sub({ prices: ['price_old_pro'], metadata: { planId: 'pro' } }), ctx()).planId).toBe('pro');
    expect(toSubscriptionUpsert(sub({ prices: ['price_old_pro'], metadata: { planId: 'free' } }), ctx()).planId).toBe('price:price_old_pro');
    expect(toSubscriptionUpsert(sub({ prices: ['price_old_pro'] }), ctx()).planId).toBe('price:price_old_pro');
  });

  it('treats cancel_at at or before the period end as cancel at period end', () => {
    expect(toSubscriptionUpsert(sub({ cancel_at: sec(PERIOD_END) }), ctx()).cancelAtPeriodEnd).toBe(true);
    expect(toSubscriptionUpsert(sub({ cancel_at: sec(PERIOD_END) + 86_400 * 40 }), ctx()).cancelAtPeriodEnd).toBe(false);
    expect(toSubscriptionUpsert(sub({ cancel_at_period_end: true }), ctx()).cancelAtPeriodEnd).toBe(true);
  });

  it('converts the trial end to milliseconds', () => {
    expect(toSubscriptionUpsert(sub({ status: 'trialing', trial_end: sec(PERIOD_END) }), ctx()).trialEnd).toBe(PERIOD_END);
  });

  it('starts the grace at the start of the unpaid period, keeps it while past_due, and clears it after', () => {
    const first = toSubscriptionUpsert(sub({ status: 'past_due' }), ctx());
    expect(first.pastDueSince).toBe(PERIOD_START);
    const before = { ...first, id: 'x', pastDueSince: new Date(PERIOD_START - 5000) } as unknown as Subscription;
    expect(toSubscriptionUpsert(sub({ status: 'past_due' }), ctx(before)).pastDueSince).toBe(PERIOD_START - 5000);
    expect(toSubscriptionUpsert(sub({ status: 'active' }), ctx(before)).pastDueSince).toBeNull();
  });
});

describe('changedFields', () => {
  const row = (fields: Partial<Subscription> = {}): Subscription => ({
    id: 'x', accountId: 'acc_1', stripeSubscriptionId: 'sub_1', planId: 'pro', status: 'active', currentPeriodEnd: new Date(PERIOD_END),
    cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe', accessRevokedAt: null, accessRevokedReason: null, createdAt: new Date(0), updatedAt: new Date(0), ...fields,
  });

  it('finds nothing when the row already matches, comparing dates by time', () => {
    expect(changedFields(row(), toSubscriptionUpsert(sub(), ctx()))).toEqual([]);
  });

  it('names each field that differs, and every field for a new row', () => {
    expect(changedFields(row({ status: 'past_due', currentPeriodEnd: new Date(PERIOD_START) }), toSubscriptionUpsert(sub(), ctx()))).toEqual(['status', 'currentPeriodEnd']);
    expect(changedFields(null, toSubscriptionUpsert(sub(), ctx()))).toHaveLength(7);
  });
});
