// Money: discounts redeemed from coupons and promotion codes, invoices for a period (discount and
// customer balance applied), and payment attempts against the saved card or a driver's forced outcome.
import type Stripe from 'stripe';
import { cardBehaviour } from './cards';
import { recordCharge } from './charges';
import { invalidParam } from './errors';
import { stripeId } from './ids';
import { buildBalanceTransaction } from './objects/balance-transaction';
import { buildDiscount } from './objects/coupon';
import { buildInvoice } from './objects/invoice';
import { itemOf } from './objects/subscription';
import { addInterval } from './clock';
import type { DiscountRequest, SubscriptionRecord } from './store';
import type { StripeWorld } from './world';

/** Checks that a coupon or promotion code can be redeemed now; `param` names the field in errors. */
export function checkDiscount(world: StripeWorld, request: { coupon?: string | undefined; promotion_code?: string | undefined }, param: string, customer: string | null): DiscountRequest {
  const now = world.now();
  if (request.promotion_code !== undefined) {
    const promo = world.store.promotionCode(request.promotion_code, `${param}[promotion_code]`);
    const expired = promo.expires_at !== null && promo.expires_at <= now;
    const exhausted = promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions;
    if (!promo.active || expired || exhausted) throw invalidParam(`${param}[promotion_code]`, `This promotion code cannot be redeemed: ${promo.code} is inactive.`);
    if (promo.customer !== null && promo.customer !== customer) {
      throw invalidParam(`${param}[promotion_code]`, `This promotion code cannot be redeemed by this customer.`);
    }
    const coupon = promo.promotion.coupon;
    const couponId = typeof coupon === 'string' ? coupon : (coupon?.id ?? '');
    checkCoupon(world, couponId, `${param}[promotion_code]`);
    return { coupon: couponId, promotionCode: promo.id };
  }
  if (request.coupon !== undefined) {
    checkCoupon(world, request.coupon, `${param}[coupon]`);
    return { coupon: request.coupon, promotionCode: null };
  }
  throw invalidParam(param, `You must specify either coupon or promotion_code in ${param}.`);
}

function checkCoupon(world: StripeWorld, id: string, param: string): Stripe.Coupon {
  const coupon = world.store.coupon(id, param);
  if (!coupon.valid) throw invalidParam(param, `Coupon expired: ${coupon.id}`);
  return coupon;
}

/** Redeems a discount for a subscription: counts the redemption and creates the Discount object. */
export function redeemDiscount(world: StripeWorld, request: DiscountRequest, at: { customer: string; subscription: string; checkoutSession: string | null }): Stripe.Discount {
  const coupon = world.store.coupon(request.coupon);
  coupon.times_redeemed += 1;
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) coupon.valid = false;
  if (request.promotionCode) {
    const promo = world.store.promotionCode(request.promotionCode);
    promo.times_redeemed += 1;
    if (promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions) promo.active = false;
  }
  const start = world.now();
  const end = coupon.duration === 'repeating' && coupon.duration_in_months ? addInterval(start, 'month', coupon.duration_in_months) : null;
  const discount = buildDiscount({ id: stripeId('di'), coupon: coupon.id, promotionCode: request.promotionCode, ...at, start, end });
  world.store.discounts.set(discount.id, discount);
  return discount;
}

/** What a coupon takes off a subtotal. */
export function discountAmount(coupon: Stripe.Coupon, subtotal: number): number {
  if (coupon.percent_off !== null) return Math.round((subtotal * coupon.percent_off) / 100);
  if (coupon.amount_off !== null) return Math.min(coupon.amount_off, subtotal);
  return 0;
}

/** The discount that applies to an invoice for a period starting at `periodStart`, if any. */
function applicableDiscount(world: StripeWorld, rec: SubscriptionRecord, periodStart: number): { discount: Stripe.Discount; coupon: Stripe.Coupon } | undefined {
  if (!rec.discount || rec.discountSpent) return undefined;
  const discount = world.store.discounts.get(rec.discount);
  if (!discount) return undefined;
  if (discount.end !== null && periodStart >= discount.end) return undefined;
  const couponId = discount.source.coupon;
  const coupon = world.store.coupons.get(typeof couponId === 'string' ? couponId : (couponId?.id ?? ''));
  return coupon ? { discount, coupon } : undefined;
}

function formatAmount(cents: number, currency: string): string {
  return `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(cents / 100).toFixed(2)}`;
}

/** Creates and finalizes the invoice for one period, applying the discount and the customer's balance. */
export function createInvoice(
  world: StripeWorld,
  rec: SubscriptionRecord,
  options: { billingReason: Stripe.Invoice.BillingReason; periodStart: number; periodEnd: number; trial: boolean },
): Stripe.Invoice {
  const sub = rec.sub;
  const customerRec = world.store.customer(sub.customer as string);
  const customer = customerRec.customer;
  const item = itemOf(sub);
  const price = item.price;
  const quantity = item.quantity ?? 1;
  const product = world.store.products.get(price.product as string);
  const name = product?.name ?? price.id;
  const subtotal = options.trial ? 0 : (price.unit_amount ?? 0) * quantity;

  const applied = applicableDiscount(world, rec, options.periodStart);
  const off = applied ? discountAmount(applied.coupon, subtotal) : 0;
  if (applied?.coupon.duration === 'once') {
    rec.discountSpent = true;
    sub.discounts = [];
  }
  const total = subtotal - off;
  const startingBalance = customer.balance;
  const amountDue = Math.max(0, total + startingBalance);
  const endingBalance = startingBalance + total - amountDue;

  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  const interval = price.recurring ? `${price.recurring.interval}` : 'once';
  const id = stripeId('in');
  const discountAmounts = applied && off > 0 ? [{ amount: off, discount: applied.discount.id }] : [];
  const invoice = buildInvoice({
    id,
    created: world.now(),
    customer,
    subscription: sub.id,
    subscriptionMetadata: sub.metadata,
    billingReason: options.billingReason,
    number: `${customer.invoice_prefix ?? 'EMU'}-${String(sequence).padStart(4, '0')}`,
    currency: price.currency,
    line: {
      id: stripeId('il'),
      price,
      subscriptionItem: item.id,
      quantity,
      amount: subtotal,
      description: options.trial ? `Trial period for ${name}` : `${quantity} × ${name} (at ${formatAmount(price.unit_amount ?? 0, price.currency)} / ${interval})`,
      periodStart: options.periodStart,
      periodEnd: options.periodEnd,
      discountAmounts,
    },
    discounts: applied ? [applied.discount.id] : [],
    subtotal,
    total,
    startingBalance,
    amountDue,
    periodStart: options.periodStart,
    periodEnd: options.periodEnd,
  });
  invoice.ending_balance = endingBalance;
  world.store.invoices.set(id, invoice);
  sub.latest_invoice = id;
  world.emit('invoice.created', invoice);
  world.emit('invoice.finalized', invoice);

  if (endingBalance !== startingBalance) {
    const txn = buildBalanceTransaction({
      id: stripeId('cbtxn'),
      created: world.now(),
      customer: customer.id,
      amount: endingBalance - startingBalance,
      currency: price.currency,
      description: null,
      endingBalance,
      invoice: id,
      type: 'applied_to_invoice',
      metadata: null,
    });
    world.store.balanceTransactions.set(txn.id, txn);
    customer.balance = endingBalance;
    world.emit('customer.updated', customer, { balance: startingBalance });
  }
  return invoice;
}

/** The outcome of the next charge for a subscription: a queued driver outcome, else the saved card's behaviour. */
function nextOutcome(world: StripeWorld, rec: SubscriptionRecord): boolean {
  const forced = rec.forced.shift();
  if (forced) return forced === 'succeed';
  const card = world.store.customers.get(rec.sub.customer as string)?.card;
  return card ? cardBehaviour(card.number).later.ok : false;
}

export function markPaid(world: StripeWorld, invoice: Stripe.Invoice): void {
  const now = world.now();
  if (invoice.amount_due > 0) invoice.attempt_count += 1;
  invoice.attempted = true;
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  const customer = world.store.customers.get(invoice.customer as string)?.customer;
  if (customer) customer.delinquent = false;
  recordCharge(world, invoice);
  world.emit('invoice.paid', invoice);
  world.emit('invoice.payment_succeeded', invoice);
}

/**
 * Charges an open invoice. On failure the next attempt follows the retry schedule (when `retry`),
 * and `invoice.payment_failed` carries it in `next_payment_attempt`. Returns whether it was paid.
 */
export function attemptPayment(world: StripeWorld, rec: SubscriptionRecord, invoice: Stripe.Invoice, retry: boolean): boolean {
  if (invoice.amount_remaining === 0 || nextOutcome(world, rec)) {
    rec.failedAttempts = 0;
    markPaid(world, invoice);
    return true;
  }
  rec.failedAttempts += 1;
  invoice.attempt_count += 1;
  invoice.attempted = true;
  const delay = retry ? world.settings.retry.delaysMs[rec.failedAttempts - 1] : undefined;
  invoice.next_payment_attempt = delay === undefined ? null : world.now() + Math.ceil(delay / 1000);
  const customer = world.store.customers.get(invoice.customer as string)?.customer;
  if (customer) customer.delinquent = true;
  world.emit('invoice.payment_failed', invoice);
  return false;
}
