// Checkout: opening a session (mode subscription) and paying it, which the hosted page and the
// `completeCheckout` driver share: the card decides, a customer and a subscription are created, the session completes.
import type Stripe from 'stripe';
import { checkDiscount, discountAmount } from './billing';
import { cardBehaviour } from './cards';
import { DAY_SECONDS } from './clock';
import { invalidParam } from './errors';
import { checkoutSessionId, invoicePrefix, stripeId } from './ids';
import { createSubscription } from './lifecycle';
import { buildCheckoutSession, buildLineItem, customerDetails } from './objects/checkout-session';
import { buildCustomer } from './objects/customer';
import type { CustomerRecord, DiscountRequest, SessionRecord, SubscriptionRecord } from './store';
import type { StripeWorld } from './world';

export interface NewCheckoutSession {
  price: string;
  quantity: number;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  allowPromotionCodes: boolean | null;
  discounts: { coupon?: string | undefined; promotion_code?: string | undefined }[];
  trialDays: number | null;
  subscriptionMetadata: Record<string, string>;
  subscriptionDescription: string | null;
  expiresAt: number | null;
  locale: Stripe.Checkout.Session.Locale | null;
  paymentMethodTypes: string[];
}

function productName(world: StripeWorld, price: Stripe.Price): string {
  return world.store.products.get(price.product as string)?.name ?? price.nickname ?? price.id;
}

/** Amounts due today: nothing during a trial, else the price less the discount. */
function amounts(world: StripeWorld, price: Stripe.Price, quantity: number, trial: boolean, discount: DiscountRequest | null): { subtotal: number; discount: number } {
  if (trial) return { subtotal: 0, discount: 0 };
  const subtotal = (price.unit_amount ?? 0) * quantity;
  const coupon = discount ? world.store.coupons.get(discount.coupon) : undefined;
  return { subtotal, discount: coupon ? discountAmount(coupon, subtotal) : 0 };
}

function applyAmounts(world: StripeWorld, rec: SessionRecord): void {
  const price = world.store.price(rec.price);
  const due = amounts(world, price, rec.quantity, rec.trialDays !== null, rec.discount);
  const s = rec.session;
  s.amount_subtotal = due.subtotal;
  s.amount_total = due.subtotal - due.discount;
  s.total_details = { amount_discount: due.discount, amount_shipping: 0, amount_tax: 0 };
  s.discounts = rec.discount ? [{ coupon: rec.discount.coupon, promotion_code: rec.discount.promotionCode }] : null;
  rec.lineItems = [buildLineItem({ id: stripeId('li'), price, quantity: rec.quantity, description: productName(world, price), amountDiscount: due.discount })];
}

export function createCheckoutSession(world: StripeWorld, input: NewCheckoutSession): SessionRecord {
  const now = world.now();
  const price = world.store.price(input.price, 'line_items[0][price]');
  if (!price.recurring) throw invalidParam('line_items[0][price]', 'You must provide at least one recurring price in `subscription` mode when using prices.');
  if (!price.active) throw invalidParam('line_items[0][price]', `The price specified is inactive. This field only accepts active prices.`);
  if (input.customer !== null) world.store.customer(input.customer, 'customer');
  if (input.discounts.length > 1) throw invalidParam('discounts', 'You may only specify one discount.');
  const wanted = input.discounts[0];
  const discount = wanted ? checkDiscount(world, wanted, 'discounts[0]', input.customer) : null;
  const ttl = world.settings.checkoutTtlSeconds;
  if (input.expiresAt !== null && (input.expiresAt < now + 1800 || input.expiresAt > now + DAY_SECONDS)) {
    throw invalidParam('expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.');
  }
  const id = checkoutSessionId();
  const session = buildCheckoutSession({
    id,
    created: now,
    expiresAt: input.expiresAt ?? now + ttl,
    customer: input.customer,
    customerEmail: input.customerEmail,
    clientReferenceId: input.clientReferenceId,
    metadata: input.metadata,
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    url: `${world.settings.baseUrl()}/c/pay/${id}`,
    currency: price.currency,
    amountSubtotal: 0,
    amountTotal: 0,
    amountDiscount: 0,
    allowPromotionCodes: input.allowPromotionCodes,
    discounts: null,
    locale: input.locale,
    paymentMethodTypes: input.paymentMethodTypes,
  });
  const rec: SessionRecord = {
    session,
    lineItems: [],
    price: price.id,
    quantity: input.quantity,
    trialDays: input.trialDays,
    subscriptionMetadata: input.subscriptionMetadata,
    subscriptionDescription: input.subscriptionDescription,
    discount,
  };
  applyAmounts(world, rec);
  world.store.sessions.set(id, rec);
  return rec;
}

/** What the customer enters on the payment page. */
export interface CheckoutPayment {
  card: string;
  email?: string | undefined;
  name?: string | undefined;
  promotionCode?: string | undefined;
}

export type CheckoutResult =
  | { ok: true; session: Stripe.Checkout.Session; subscription: Stripe.Subscription; customer: Stripe.Customer; redirectTo: string | null }
  | { ok: false; code: string; message: string };

function fail(code: string, message: string): CheckoutResult {
  return { ok: false, code, message };
}

function createCustomer(world: StripeWorld, email: string, name: string | null): CustomerRecord {
  const customer = buildCustomer({ id: stripeId('cus'), created: world.now(), email, name, description: null, phone: null, metadata: {}, invoicePrefix: invoicePrefix() });
  const rec: CustomerRecord = { customer, deleted: false, card: null };
  world.store.customers.set(customer.id, rec);
  world.emit('customer.created', customer);
  return rec;
}

function saveCard(world: StripeWorld, rec: CustomerRecord, card: string): string {
  const paymentMethod = stripeId('pm');
  rec.card = { paymentMethod, number: card };
  const previous = { invoice_settings: { ...rec.customer.invoice_settings } };
  rec.customer.invoice_settings.default_payment_method = paymentMethod;
  world.emit('customer.updated', rec.customer, previous);
  return paymentMethod;
}

/** Pays an open session: declines leave it open; success creates the subscription and completes it. */
export function completeSession(world: StripeWorld, sessionId: string, payment: CheckoutPayment): CheckoutResult {
  const rec = world.store.sessions.get(sessionId);
  if (!rec) return fail('resource_missing', `No such checkout.session: '${sessionId}'`);
  const session = rec.session;
  if (session.status !== 'open') return fail('session_not_open', `This Checkout Session is ${session.status ?? 'closed'} and can no longer be paid.`);

  let discount = rec.discount;
  if (payment.promotionCode) {
    if (!session.allow_promotion_codes) return fail('promotion_codes_not_allowed', 'Promotion codes are not accepted for this payment.');
    const promo = world.store.promotionCodeByCode(payment.promotionCode);
    if (!promo) return fail('promotion_code_invalid', 'This code is invalid.');
    try {
      discount = checkDiscount(world, { promotion_code: promo.id }, 'promotion_code', session.customer as string | null);
    } catch {
      return fail('promotion_code_invalid', 'This code is invalid.');
    }
  }

  const trial = rec.trialDays !== null;
  const behaviour = cardBehaviour(payment.card);
  const charge = trial ? behaviour.atCheckout : behaviour.atCheckout.ok ? behaviour.later : behaviour.atCheckout;
  if (!charge.ok) return fail(charge.code, charge.message);

  const existing = session.customer ? world.store.customer(session.customer as string) : undefined;
  const email = existing?.customer.email ?? session.customer_email ?? payment.email?.trim();
  if (!email) return fail('email_required', 'Enter your email address.');

  const customer = existing ?? createCustomer(world, email, payment.name?.trim() || null);
  saveCard(world, customer, payment.card);
  const price = world.store.price(rec.price);
  const subscription: SubscriptionRecord = createSubscription(world, {
    customer,
    price,
    quantity: rec.quantity,
    trialEnd: trial ? world.now() + (rec.trialDays ?? 0) * DAY_SECONDS : null,
    metadata: rec.subscriptionMetadata,
    description: rec.subscriptionDescription,
    discount,
    checkoutSession: session.id,
    chargeNow: true,
    missingPaymentMethod: 'create_invoice',
    // The card was charged above; the first invoice records that payment.
    forced: trial ? [] : ['succeed'],
  });

  rec.discount = discount;
  applyAmounts(world, rec);
  session.status = 'complete';
  session.payment_status = trial ? 'no_payment_required' : 'paid';
  session.customer = customer.customer.id;
  session.subscription = subscription.sub.id;
  session.invoice = subscription.sub.latest_invoice as string | null;
  session.customer_details = customerDetails(email, customer.customer.name ?? null);
  session.url = null;
  world.emit('checkout.session.completed', session);
  const redirectTo = session.success_url ? session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null;
  return { ok: true, session, subscription: subscription.sub, customer: customer.customer, redirectTo };
}
