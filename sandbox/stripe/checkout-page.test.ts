// The hosted checkout page: a real form that pays with 4242, declines 0002, honours trials and promotion codes.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, stripeClientOptions, type StripeEmulator } from './index';

let emu: StripeEmulator;
let stripe: Stripe;

beforeEach(async () => {
  emu = await startStripeEmulator({
    plans: [{ planId: 'pro', name: 'Pro <Signals> & Co', priceId: 'price_pro', amountCents: 2900, currency: 'usd', interval: 'month' }],
  });
  stripe = new Stripe(emu.secretKey, stripeClientOptions(emu));
});
afterEach(async () => emu.stop());

function submit(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

async function openSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: 'price_pro' }],
    success_url: 'http://127.0.0.1:9/paid?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:9/cancel',
    ...extra,
  });
}

describe('hosted checkout page', () => {
  it('serves a form with email and card fields that posts back to the page, product name escaped', async () => {
    const session = await openSession({ allow_promotion_codes: true });
    const res = await fetch(session.url as string);
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain(`<form method="post" action="/c/pay/${session.id}">`);
    expect(html).toContain('name="email"');
    expect(html).toContain('name="card_number"');
    expect(html).toContain('name="promotion_code"');
    expect(html).toContain('Pro &lt;Signals&gt; &amp; Co');
    expect(html).not.toContain('<Signals>');
  });

  it('pays with 4242 4242 4242 4242 and redirects to success_url with the session id', async () => {
    const session = await openSession();
    const res = await submit(session.url as string, { email: 'payer@example.com', card_number: '4242 4242 4242 4242' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:9/paid?session=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { email: 'payer@example.com' } });
    const sub = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(sub.status).toBe('active');
    const customer = (await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
    expect(customer.email).toBe('payer@example.com');
  });

  it('declines 4000 0000 0000 0002 on the page and leaves the session open with nothing created', async () => {
    const session = await openSession();
    const res = await submit(session.url as string, { email: 'payer@example.com', card_number: '4000 0000 0000 0002' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your card was declined');
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    expect((await stripe.customers.list()).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(0);
    expect(emu.events()).toHaveLength(0);
  });

  it('refuses a mistyped card number', async () => {
    const session = await openSession({ customer_email: 'x@example.com' });
    const res = await submit(session.url as string, { card_number: '4242 4242 4242 4241' });
    expect(await res.text()).toContain('Your card number is incorrect.');
  });

  it('starts a trial when the session has one: trialing, nothing charged', async () => {
    const session = await openSession({ customer_email: 'trial@example.com', subscription_data: { trial_period_days: 14 } });
    const result = emu.completeCheckout(session.id, { card: '4242424242424242' });
    if (!result.ok) throw new Error(result.message);
    expect(result.session.payment_status).toBe('no_payment_required');
    expect(result.subscription.status).toBe('trialing');
    expect((result.subscription.trial_end ?? 0) - (result.subscription.trial_start ?? 0)).toBe(14 * 86_400);
    const invoice = await stripe.invoices.retrieve(result.subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ amount_due: 0, status: 'paid' });
  });

  it('applies a promotion code typed on the page', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 900, currency: 'usd', duration: 'forever' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'WELCOME' });
    const session = await openSession({ allow_promotion_codes: true, customer_email: 'promo@example.com' });
    const res = await submit(session.url as string, { card_number: '4242424242424242', promotion_code: 'welcome' });
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ amount_total: 2000, total_details: { amount_discount: 900 } });
    const bad = await openSession({ allow_promotion_codes: true, customer_email: 'promo@example.com' });
    expect(await (await submit(bad.url as string, { card_number: '4242424242424242', promotion_code: 'NOPE' })).text()).toContain('This code is invalid.');
  });

  it('shows an expired session as expired and cannot be paid', async () => {
    const session = await openSession({ customer_email: 'late@example.com' });
    await stripe.checkout.sessions.expire(session.id);
    expect(await (await fetch(`${emu.url}/c/pay/${session.id}`)).text()).toContain('expired');
    const result = emu.completeCheckout(session.id, { card: '4242424242424242' });
    expect(result).toMatchObject({ ok: false, code: 'session_not_open' });
  });
});

describe('a checkout that carries a discount', () => {
  it('shows the discount line and the discounted total, as Stripe does when discounts are set', async () => {
    const coupon = await stripe.coupons.create({ id: 'referral-20', percent_off: 20, duration: 'once', name: 'Referral 20% off' });
    const session = await openSession({ discounts: [{ coupon: coupon.id }] });
    const html = await (await fetch(session.url as string)).text();
    expect(html).toContain('Discount: Referral 20% off (20% off) on the first payment: <strong>-$5.80</strong>');
    expect(html).toContain('Total: <strong>$23.20</strong> <s>$29.00</s>');
    expect(html).toContain('Due today: <strong>$23.20</strong>');
  });

  it('shows what the first payment after a trial will be, with nothing due today', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'once' });
    const session = await openSession({ discounts: [{ coupon: coupon.id }], subscription_data: { trial_period_days: 7 } });
    const html = await (await fetch(session.url as string)).text();
    expect(html).toContain('Discount: 20% off on the first payment: <strong>-$5.80</strong>');
    expect(html).toContain('First payment after the trial: <strong>$23.20</strong>');
    expect(html).toContain('Due today: <strong>$0.00</strong>');
  });

  it('shows no discount line without one', async () => {
    const html = await (await fetch((await openSession()).url as string)).text();
    expect(html).not.toContain('Discount:');
  });
});
