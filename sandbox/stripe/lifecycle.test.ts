// The subscription life cycle on simulated time (a FakeClock, no sleeping): renewals, failures into
// past_due and unpaid, trial ends, cancellation at period end, incomplete_expired, paused, discounts, credits.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DriverError, startStripeEmulator, stripeClientOptions, type StripeEmulator, type StripeEmulatorOptions } from './index';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 15, 12, 0, 0);
let clock: FakeClock;
let emu: StripeEmulator;
let stripe: Stripe;

async function start(options: StripeEmulatorOptions = {}): Promise<void> {
  clock = new FakeClock(START);
  emu = await startStripeEmulator({
    clock,
    plans: [{ planId: 'pro', name: 'Pro', priceId: 'price_pro', amountCents: 3000, currency: 'usd', interval: 'month' }],
    ...options,
  });
  stripe = new Stripe(emu.secretKey, stripeClientOptions(emu));
}

beforeEach(() => start());
afterEach(async () => emu.stop());

async function checkout(options: { trialDays?: number; card?: string; discounts?: Stripe.Checkout.SessionCreateParams.Discount[] } = {}): Promise<Stripe.Subscription> {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer_email: 'sub@example.com',
    line_items: [{ price: 'price_pro' }],
    ...(options.trialDays ? { subscription_data: { trial_period_days: options.trialDays } } : {}),
    ...(options.discounts ? { discounts: options.discounts } : {}),
  });
  const result = emu.completeCheckout(session.id, { card: options.card ?? '4242424242424242' });
  if (!result.ok) throw new Error(result.message);
  return result.subscription;
}

const periodEnd = (sub: Stripe.Subscription): number => sub.items.data[0]?.current_period_end ?? 0;
const seconds = (ms: number): number => Math.floor(ms / 1000);

describe('renewals', () => {
  it('renews at the period end: a new month, a paid cycle invoice, still active', async () => {
    const sub = await checkout();
    expect(sub.status).toBe('active');
    expect(periodEnd(sub)).toBe(seconds(Date.UTC(2026, 1, 15, 12)));
    const renewed = await emu.renewalSucceeds(sub.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd(sub));
    expect(periodEnd(renewed)).toBe(seconds(Date.UTC(2026, 2, 15, 12)));
    expect(clock.now()).toBe(Date.UTC(2026, 1, 15, 12));
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', amount_paid: 3000, period_start: periodEnd(sub) });
  });

  it('goes past_due on a failed renewal, then unpaid when the retry fails too', async () => {
    const sub = await checkout();
    const pastDue = await emu.renewalFails(sub.id);
    expect(pastDue.status).toBe('past_due');
    const [failed] = emu.events('invoice.payment_failed');
    const invoice = failed?.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: periodEnd(sub) + 3 * 86_400 });

    const unpaid = await emu.renewalFails(sub.id);
    expect(unpaid.status).toBe('unpaid');
    expect(clock.now()).toBe((periodEnd(sub) + 3 * 86_400) * 1000);
    const statuses = emu.events('customer.subscription.updated').map((e) => (e.data.object as Stripe.Subscription).status);
    expect(statuses).toEqual(['active', 'past_due', 'unpaid']);
  });

  it('recovers from past_due when the retry succeeds, and from unpaid when the customer pays', async () => {
    const sub = await checkout();
    await emu.renewalFails(sub.id);
    expect((await emu.renewalSucceeds(sub.id)).status).toBe('active');
    await emu.renewalFails(sub.id);
    await emu.renewalFails(sub.id);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
    expect((await emu.renewalSucceeds(sub.id)).status).toBe('active');
  });

  it('follows a configured retry schedule and cancels when it runs out', async () => {
    await emu.stop();
    await start({ retry: { delaysMs: [DAY, 2 * DAY], finalStatus: 'canceled' } });
    const sub = await checkout();
    await emu.renewalFails(sub.id);
    expect((await emu.renewalFails(sub.id)).status).toBe('past_due');
    const ended = await emu.renewalFails(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'payment_failed' } });
    expect(emu.events('customer.subscription.deleted')).toHaveLength(1);
    expect(emu.events('invoice.payment_failed').map((e) => (e.data.object as Stripe.Invoice).next_payment_attempt)).toEqual([
      periodEnd(sub) + 86_400,
      periodEnd(sub) + 3 * 86_400,
      null,
    ]);
  });

  it('renews on its own as time passes, each change stamped with the time it fell due', async () => {
    const sub = await checkout();
    await emu.advanceTime(95 * DAY);
    const cycles = emu.events('invoice.paid').map((e) => e.data.object as Stripe.Invoice).filter((i) => i.billing_reason === 'subscription_cycle');
    expect(cycles.map((i) => i.created)).toEqual([
      seconds(Date.UTC(2026, 1, 15, 12)),
      seconds(Date.UTC(2026, 2, 15, 12)),
      seconds(Date.UTC(2026, 3, 15, 12)),
    ]);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });
});

describe('trials', () => {
  it('ends a trial with a payment: active, billed from the trial end', async () => {
    const sub = await checkout({ trialDays: 7 });
    expect(sub.status).toBe('trialing');
    const ended = await emu.trialEnds(sub.id, { paid: true });
    expect(ended.status).toBe('active');
    expect(ended.items.data[0]?.current_period_start).toBe(sub.trial_end);
    expect(emu.events('customer.subscription.trial_will_end')).toHaveLength(1);
    const invoice = await stripe.invoices.retrieve(ended.latest_invoice as string);
    expect(invoice).toMatchObject({ amount_paid: 3000, status: 'paid' });
  });

  it('ends a trial without a payment: past_due', async () => {
    const sub = await checkout({ trialDays: 7 });
    expect((await emu.trialEnds(sub.id, { paid: false })).status).toBe('past_due');
  });

  it('lets a card that saves but cannot be charged start a trial, then fail at its end', async () => {
    const sub = await checkout({ trialDays: 3, card: '4000000000000341' });
    expect(sub.status).toBe('trialing');
    await emu.advanceTime(3 * DAY);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
  });

  it('pauses a trial that ends without a payment method when asked to', async () => {
    const customer = await stripe.customers.create({ email: 'nocard@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_pro' }],
      trial_period_days: 5,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    await emu.advanceTime(5 * DAY);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused');
    expect(emu.events('customer.subscription.paused')).toHaveLength(1);
  });
});

describe('endings', () => {
  it('keeps a cancel_at_period_end subscription active until the period ends, then cancels it', async () => {
    const sub = await checkout();
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await emu.advanceTime(10 * DAY);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    const ended = await emu.periodEnds(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: periodEnd(sub), cancellation_details: { reason: 'cancellation_requested' } });
    expect(emu.events('invoice.created')).toHaveLength(1);
  });

  it('refuses a driver step the subscription cannot take', async () => {
    const sub = await checkout();
    await stripe.subscriptions.cancel(sub.id);
    await expect(emu.renewalSucceeds(sub.id)).rejects.toBeInstanceOf(DriverError);
    await expect(emu.trialEnds(sub.id, { paid: true })).rejects.toThrow(/not trialing/);
  });

  it('expires an incomplete subscription after 23 hours', async () => {
    const customer = await stripe.customers.create({ email: 'inc@example.com' });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_pro' }], payment_behavior: 'default_incomplete' });
    expect(sub.status).toBe('incomplete');
    await emu.advanceTime(22 * 3_600_000);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete');
    await emu.advanceTime(3_600_000);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete_expired');
    expect((await stripe.invoices.retrieve(sub.latest_invoice as string)).status).toBe('void');
  });

  it('expires an unpaid checkout session after 24 hours', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro' }] });
    await emu.advanceTime(DAY);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    expect(emu.events('checkout.session.expired')).toHaveLength(1);
  });
});

describe('money', () => {
  it('applies a repeating coupon for its months only', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: 'repeating', duration_in_months: 2 });
    const sub = await checkout({ discounts: [{ coupon: coupon.id }] });
    await emu.advanceTime(75 * DAY);
    const totals = emu.events('invoice.paid').map((e) => (e.data.object as Stripe.Invoice).total);
    expect(totals).toEqual([1500, 1500, 3000]);
    expect(sub.discounts).toHaveLength(1);
  });

  it('spends a once coupon on the first invoice', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 1000, currency: 'usd', duration: 'once' });
    await checkout({ discounts: [{ coupon: coupon.id }] });
    await emu.advanceTime(32 * DAY);
    expect(emu.events('invoice.paid').map((e) => (e.data.object as Stripe.Invoice).total)).toEqual([2000, 3000]);
  });

  it('pays the next invoice from a customer balance credit', async () => {
    const sub = await checkout();
    await stripe.customers.createBalanceTransaction(sub.customer as string, { amount: -1200, currency: 'usd' });
    const renewed = await emu.renewalSucceeds(sub.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ total: 3000, starting_balance: -1200, ending_balance: 0, amount_due: 1800, amount_paid: 1800 });
    expect(((await stripe.customers.retrieve(sub.customer as string)) as Stripe.Customer).balance).toBe(0);
    const txns = await stripe.customers.listBalanceTransactions(sub.customer as string);
    expect(txns.data.map((t) => [t.type, t.amount])).toEqual([
      ['applied_to_invoice', 1200],
      ['adjustment', -1200],
    ]);
  });
});

describe('refunds and disputes', () => {
  it('leaves a charge behind each paid invoice, found from the charge through the invoice payment', async () => {
    const sub = await checkout();
    const invoiceId = (await stripe.subscriptions.retrieve(sub.id)).latest_invoice as string;
    const [rec] = [...emu.store.charges.values()];
    const charge = await stripe.charges.retrieve(rec?.charge.id as string);
    expect(charge).toMatchObject({ object: 'charge', amount: 3000, amount_refunded: 0, refunded: false, customer: sub.customer, paid: true });
    expect(charge).not.toHaveProperty('invoice');
    const payments = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: charge.payment_intent as string } });
    expect(payments.data.map((p) => p.invoice)).toEqual([invoiceId]);
  });

  it('charges nothing for a trial, so there is nothing to refund until the first payment', async () => {
    const sub = await checkout({ trialDays: 7 });
    expect(emu.store.charges.size).toBe(0);
    expect(() => emu.refund(sub.id)).toThrow(DriverError);
    await emu.trialEnds(sub.id, { paid: true });
    expect(emu.refund(sub.id)).toMatchObject({ refunded: true, amount_refunded: 3000 });
  });

  it('refunds in part then in full, with charge.refunded each time and the subscription left as it is', async () => {
    const sub = await checkout();
    expect(emu.refund(sub.id, { amount: 1000 })).toMatchObject({ refunded: false, amount_refunded: 1000 });
    expect(emu.refund(sub.id)).toMatchObject({ refunded: true, amount_refunded: 3000 });
    const events = emu.events('charge.refunded');
    expect(events.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([1000, 3000]);
    expect(events[1]?.data.previous_attributes).toMatchObject({ amount_refunded: 1000, refunded: false });
    expect(emu.subscription(sub.id).status).toBe('active');
    expect(() => emu.refund(sub.id)).toThrow(/has 0 left to refund/);
  });

  it('opens a dispute with charge.dispute.created and closes it once with charge.dispute.closed', async () => {
    const sub = await checkout();
    const dispute = emu.dispute(sub.id);
    expect(dispute).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 3000, reason: 'fraudulent' });
    expect((await stripe.charges.retrieve(dispute.charge as string)).disputed).toBe(true);
    expect(emu.closeDispute(dispute.id, 'won').status).toBe('won');
    expect(emu.events('charge.dispute.closed')[0]?.data.previous_attributes).toEqual({ status: 'needs_response' });
    expect(() => emu.closeDispute(dispute.id, 'lost')).toThrow(/already won/);
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe('won');
  });
});

describe('instant drivers (the console\'s)', () => {
  it('apply a renewal failure at once, jumping Stripe\'s clock like a test clock and leaving the shared clock alone', async () => {
    const sub = await checkout();
    const before = clock.now();
    expect(emu.instant.renewalFails(sub.id).status).toBe('past_due');
    expect(clock.now()).toBe(before);
    expect(emu.clockMs()).toBe(periodEnd(sub) * 1000);
    expect(emu.instant.renewalFails(sub.id).status).toBe('unpaid');
    expect(emu.instant.renewalSucceeds(sub.id).status).toBe('active');
    expect(emu.instant.cancelAtPeriodEnd(sub.id).cancel_at_period_end).toBe(true);
    expect(emu.instant.periodEnds(sub.id).status).toBe('canceled');
    expect(() => emu.instant.cancelAtPeriodEnd(sub.id)).toThrow(DriverError);
  });
});
