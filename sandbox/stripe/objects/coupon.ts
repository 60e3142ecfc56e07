// Builds Stripe Coupons, Promotion Codes and the Discount a redemption creates.
import type Stripe from 'stripe';

export interface CouponFields {
  id: string;
  created: number;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: Stripe.Coupon.Duration;
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: number | null;
  metadata: Record<string, string>;
}

export function buildCoupon(f: CouponFields): Stripe.Coupon {
  return {
    id: f.id,
    object: 'coupon',
    amount_off: f.amountOff,
    created: f.created,
    currency: f.currency,
    duration: f.duration,
    duration_in_months: f.durationInMonths,
    livemode: false,
    max_redemptions: f.maxRedemptions,
    metadata: f.metadata,
    name: f.name,
    percent_off: f.percentOff,
    redeem_by: f.redeemBy,
    times_redeemed: 0,
    valid: true,
  } satisfies Stripe.Coupon;
}

export interface PromotionCodeFields {
  id: string;
  created: number;
  code: string;
  coupon: string;
  active: boolean;
  customer: string | null;
  expiresAt: number | null;
  maxRedemptions: number | null;
  firstTimeTransaction: boolean;
  metadata: Record<string, string>;
}

export function buildPromotionCode(f: PromotionCodeFields): Stripe.PromotionCode {
  return {
    id: f.id,
    object: 'promotion_code',
    active: f.active,
    code: f.code,
    created: f.created,
    customer: f.customer,
    customer_account: null,
    expires_at: f.expiresAt,
    livemode: false,
    max_redemptions: f.maxRedemptions,
    metadata: f.metadata,
    promotion: { coupon: f.coupon, type: 'coupon' },
    restrictions: { first_time_transaction: f.firstTimeTransaction, minimum_amount: null, minimum_amount_currency: null },
    times_redeemed: 0,
  } satisfies Stripe.PromotionCode;
}

export interface DiscountFields {
  id: string;
  coupon: string;
  promotionCode: string | null;
  customer: string;
  subscription: string | null;
  checkoutSession: string | null;
  start: number;
  end: number | null;
}

export function buildDiscount(f: DiscountFields): Stripe.Discount {
  return {
    id: f.id,
    object: 'discount',
    checkout_session: f.checkoutSession,
    customer: f.customer,
    customer_account: null,
    end: f.end,
    invoice: null,
    invoice_item: null,
    promotion_code: f.promotionCode,
    source: { coupon: f.coupon, type: 'coupon' },
    start: f.start,
    subscription: f.subscription,
    subscription_item: null,
  } satisfies Stripe.Discount;
}
