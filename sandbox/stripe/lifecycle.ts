// The subscription life cycle: creation (trialing, or incomplete until the first invoice is paid),
// renewals, trial ends, retries into past_due then unpaid (or canceled), cancellation at period end,
// incomplete_expired and paused; and the due-work loop that applies whatever simulated time has reached.
import type Stripe from 'stripe';
import { addInterval, DAY_SECONDS, type Interval } from './clock';
import { attemptPayment, createInvoice, redeemDiscount } from './billing';
import { stripeId } from './ids';
import { buildSubscription, itemOf } from './objects/subscription';
import type { CustomerRecord, DiscountRequest, PaymentOutcome, SubscriptionRecord } from './store';
import { snapshot, type StripeWorld } from './world';

const INCOMPLETE_TTL_SECONDS = 23 * 3600;
const TRIAL_WILL_END_NOTICE_SECONDS = 3 * DAY_SECONDS;

export interface NewSubscription {
  customer: CustomerRecord;
  price: Stripe.Price;
  quantity: number;
  trialEnd: number | null;
  metadata: Record<string, string>;
  description: string | null;
  discount: DiscountRequest | null;
  checkoutSession: string | null;
  /** `default_incomplete` leaves the first invoice unpaid for the customer to confirm. */
  chargeNow: boolean;
  missingPaymentMethod: 'cancel' | 'create_invoice' | 'pause';
  forced?: PaymentOutcome[];
}

function nextPeriodEnd(price: Stripe.Price, start: number): number {
  const recurring = price.recurring;
  return addInterval(start, (recurring?.interval ?? 'month') as Interval, recurring?.interval_count ?? 1);
}

/** Applies `change` to the subscription and emits customer.subscription.updated with what it was before. */
export function updateSubscription(world: StripeWorld, rec: SubscriptionRecord, change: (sub: Stripe.Subscription) => void): void {
  const before = snapshot(rec.sub) as unknown as Record<string, unknown>;
  change(rec.sub);
  const after = snapshot(rec.sub) as unknown as Record<string, unknown>;
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  if (Object.keys(previous).length > 0) world.emit('customer.subscription.updated', rec.sub, previous);
}

function setPeriod(sub: Stripe.Subscription, start: number, end: number): void {
  const item = itemOf(sub);
  item.current_period_start = start;
  item.current_period_end = end;
}

export function periodEnd(sub: Stripe.Subscription): number {
  return itemOf(sub).current_period_end;
}

/** Creates a subscription the way Checkout and POST /v1/subscriptions do, with its first invoice. */
export function createSubscription(world: StripeWorld, input: NewSubscription): SubscriptionRecord {
  const now = world.now();
  const id = stripeId('sub');
  const discount = input.discount ? redeemDiscount(world, input.discount, { customer: input.customer.customer.id, subscription: id, checkoutSession: input.checkoutSession }) : null;
  const trialing = input.trialEnd !== null;
  const sub = buildSubscription({
    id,
    itemId: stripeId('si'),
    created: now,
    customer: input.customer.customer.id,
    price: input.price,
    quantity: input.quantity,
    status: trialing ? 'trialing' : 'incomplete',
    periodStart: now,
    periodEnd: input.trialEnd ?? nextPeriodEnd(input.price, now),
    trialStart: trialing ? now : null,
    trialEnd: input.trialEnd,
    metadata: input.metadata,
    discounts: discount ? [discount.id] : [],
    defaultPaymentMethod: input.customer.card?.paymentMethod ?? null,
    description: input.description,
    missingPaymentMethod: input.missingPaymentMethod,
  });
  const rec: SubscriptionRecord = { sub, forced: [...(input.forced ?? [])], failedAttempts: 0, trialWillEndSent: false, discount: discount?.id ?? null, discountSpent: false };
  world.store.subscriptions.set(id, rec);
  if (input.customer.customer.currency === null) input.customer.customer.currency = input.price.currency;

  const invoice = createInvoice(world, rec, { billingReason: 'subscription_create', periodStart: now, periodEnd: periodEnd(sub), trial: trialing });
  world.emit('customer.subscription.created', sub);
  if (trialing || input.chargeNow) {
    const paid = attemptPayment(world, rec, invoice, false);
    if (paid && !trialing) updateSubscription(world, rec, (s) => (s.status = 'active'));
  }
  return rec;
}

/** Ends a subscription now (explicitly, at period end, or when retries ran out). */
export function cancelNow(world: StripeWorld, rec: SubscriptionRecord, reason: Stripe.Subscription.CancellationDetails.Reason, details: { comment?: string | null; feedback?: Stripe.Subscription.CancellationDetails.Feedback | null } = {}): void {
  const sub = rec.sub;
  const now = world.now();
  sub.status = 'canceled';
  sub.canceled_at ??= now;
  sub.ended_at = now;
  sub.cancel_at = null;
  sub.cancel_at_period_end = false;
  sub.cancellation_details = {
    comment: details.comment ?? sub.cancellation_details?.comment ?? null,
    feedback: details.feedback ?? sub.cancellation_details?.feedback ?? null,
    feedback_option: null,
    reason,
  };
  rec.forced = [];
  world.emit('customer.subscription.deleted', sub);
}

/** Sets or clears cancel_at_period_end (Stripe records when it was asked and when it will end). */
export function setCancelAtPeriodEnd(world: StripeWorld, rec: SubscriptionRecord, cancel: boolean): void {
  updateSubscription(world, rec, (sub) => {
    sub.cancel_at_period_end = cancel;
    sub.cancel_at = cancel ? periodEnd(sub) : null;
    sub.canceled_at = cancel ? world.now() : null;
  });
}

/** A new period starts: bill it, and move to active or past_due by the payment's outcome. */
function startNextPeriod(world: StripeWorld, rec: SubscriptionRecord, start: number): void {
  const sub = rec.sub;
  const end = nextPeriodEnd(itemOf(sub).price, start);
  rec.failedAttempts = 0;
  const invoice = createInvoice(world, rec, { billingReason: 'subscription_cycle', periodStart: start, periodEnd: end, trial: false });
  const paid = attemptPayment(world, rec, invoice, true);
  updateSubscription(world, rec, (s) => {
    setPeriod(s, start, end);
    s.status = paid ? 'active' : 'past_due';
  });
}

function endTrial(world: StripeWorld, rec: SubscriptionRecord): void {
  const sub = rec.sub;
  const hasCard = world.store.customers.get(sub.customer as string)?.card != null;
  const behaviour = sub.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice';
  if (!hasCard && rec.forced.length === 0 && behaviour === 'pause') {
    updateSubscription(world, rec, (s) => (s.status = 'paused'));
    world.emit('customer.subscription.paused', sub);
    return;
  }
  if (!hasCard && rec.forced.length === 0 && behaviour === 'cancel') {
    cancelNow(world, rec, 'cancellation_requested');
    return;
  }
  startNextPeriod(world, rec, sub.trial_end ?? world.now());
}

/** Retries the open invoice; when the schedule runs out the subscription becomes unpaid (or canceled). */
export function retryPayment(world: StripeWorld, rec: SubscriptionRecord): void {
  const invoice = rec.sub.latest_invoice ? world.store.invoices.get(rec.sub.latest_invoice as string) : undefined;
  if (!invoice || invoice.status !== 'open') return;
  const status = rec.sub.status;
  const paid = attemptPayment(world, rec, invoice, status === 'past_due');
  if (paid) {
    updateSubscription(world, rec, (s) => (s.status = 'active'));
    return;
  }
  if (status === 'past_due' && invoice.next_payment_attempt === null) {
    if (world.settings.retry.finalStatus === 'canceled') cancelNow(world, rec, 'payment_failed');
    else updateSubscription(world, rec, (s) => (s.status = 'unpaid'));
  }
}

function expireIncomplete(world: StripeWorld, rec: SubscriptionRecord): void {
  const invoice = rec.sub.latest_invoice ? world.store.invoices.get(rec.sub.latest_invoice as string) : undefined;
  if (invoice && invoice.status === 'open') {
    invoice.status = 'void';
    invoice.status_transitions.voided_at = world.now();
    invoice.next_payment_attempt = null;
    world.emit('invoice.voided', invoice);
  }
  updateSubscription(world, rec, (s) => {
    s.status = 'incomplete_expired';
    s.ended_at = world.now();
  });
}

interface Due {
  at: number;
  run: () => void;
}

/** The next piece of work this subscription has scheduled, if any. */
export function dueFor(world: StripeWorld, rec: SubscriptionRecord): Due | undefined {
  const sub = rec.sub;
  const end = periodEnd(sub);
  switch (sub.status) {
    case 'trialing': {
      const trialEnd = sub.trial_end ?? end;
      const notice = trialEnd - TRIAL_WILL_END_NOTICE_SECONDS;
      if (!rec.trialWillEndSent && notice > sub.created) {
        return { at: notice, run: () => ((rec.trialWillEndSent = true), world.emit('customer.subscription.trial_will_end', sub)) };
      }
      if (sub.cancel_at_period_end) return { at: trialEnd, run: () => cancelNow(world, rec, 'cancellation_requested') };
      return { at: trialEnd, run: () => endTrial(world, rec) };
    }
    case 'active':
      return { at: end, run: () => (sub.cancel_at_period_end ? cancelNow(world, rec, 'cancellation_requested') : startNextPeriod(world, rec, end)) };
    case 'past_due': {
      const invoice = sub.latest_invoice ? world.store.invoices.get(sub.latest_invoice as string) : undefined;
      const retryAt = invoice?.status === 'open' ? invoice.next_payment_attempt : null;
      if (sub.cancel_at_period_end && (retryAt === null || end <= retryAt)) return { at: end, run: () => cancelNow(world, rec, 'cancellation_requested') };
      return retryAt === null ? undefined : { at: retryAt, run: () => retryPayment(world, rec) };
    }
    case 'unpaid':
      return sub.cancel_at_period_end ? { at: end, run: () => cancelNow(world, rec, 'cancellation_requested') } : undefined;
    case 'incomplete':
      return { at: sub.created + INCOMPLETE_TTL_SECONDS, run: () => expireIncomplete(world, rec) };
    default:
      return undefined;
  }
}

function expireSessionDue(world: StripeWorld): Due | undefined {
  let next: Due | undefined;
  for (const rec of world.store.sessions.values()) {
    const session = rec.session;
    if (session.status !== 'open') continue;
    if (!next || session.expires_at < next.at) {
      next = { at: session.expires_at, run: () => expireSession(world, rec.session) };
    }
  }
  return next;
}

export function expireSession(world: StripeWorld, session: Stripe.Checkout.Session): void {
  session.status = 'expired';
  session.url = null;
  world.emit('checkout.session.expired', session);
}

/** Applies, in time order and stamped with their own times, all the work simulated time has reached. */
export function processDue(world: StripeWorld): number {
  let steps = 0;
  for (; steps < 10_000; steps++) {
    const now = world.now();
    let next = expireSessionDue(world);
    for (const rec of world.store.subscriptions.values()) {
      const due = dueFor(world, rec);
      if (due && (!next || due.at < next.at)) next = due;
    }
    if (!next || next.at > now) break;
    const due = next;
    world.clock.at(due.at, () => world.run(due.run));
  }
  return steps;
}
