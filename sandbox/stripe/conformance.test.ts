// The real stripe-node client against the emulator, on every path Signalcast uses, checking both what
// the client got back and what the emulator actually received.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, stripeClientOptions, type StripeEmulator } from './index';

const PLANS = [
  { planId: 'pro', name: 'Pro', priceId: 'price_pro_monthly', amountCents: 2900, currency: 'usd', interval: 'month' as const, trialDays: 7 },
  { planId: 'elite', name: 'Elite', priceId: 'price_elite_monthly', amountCents: 9900, currency: 'usd', interval: 'month' as const },
];

let emu: StripeEmulator;
let stripe: Stripe;

beforeEach(async () => {
  emu = await startStripeEmulator({ plans: PLANS });
  stripe = new Stripe(emu.secretKey, stripeClientOptions(emu));
});
afterEach(async () => emu.stop());

async function subscribe(customer: string, price = 'price_elite_monthly'): Promise<Stripe.Subscription> {
  const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer, line_items: [{ price, quantity: 1 }], success_url: 'http://127.0.0.1/ok' });
  const result = emu.completeCheckout(session.id, { card: '4242424242424242' });
  if (!result.ok) throw new Error(result.message);
  return result.subscription;
}

describe('customers', () => {
  it('creates, retrieves, updates and lists customers by email, keeping metadata', async () => {
    const created = await stripe.customers.create({ email: 'ann@example.com', name: 'Ann', metadata: { account: 'acc_1' } });
    await stripe.customers.create({ email: 'bob@example.com' });
    expect(created).toMatchObject({ object: 'customer', email: 'ann@example.com', name: 'Ann', metadata: { account: 'acc_1' }, balance: 0 });
    expect(created.id).toMatch(/^cus_\w{14}$/);

    const updated = await stripe.customers.update(created.id, { metadata: { identity: 'tg:42', account: '' } });
    expect(updated.metadata).toEqual({ identity: 'tg:42' });
    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toMatchObject({ id: created.id, metadata: { identity: 'tg:42' } });

    const byEmail = await stripe.customers.list({ email: 'ann@example.com' });
    expect(byEmail.data.map((c) => c.id)).toEqual([created.id]);

    const [post] = emu.calls('POST', '/v1/customers');
    expect(post?.form).toEqual({ email: 'ann@example.com', name: 'Ann', metadata: { account: 'acc_1' } });
    expect(post?.headers['idempotency-key']).toMatch(/^stripe-node-retry-/);
    expect(post?.headers.authorization).toBe(`Bearer ${emu.secretKey}`);
  });
});

describe('products and prices', () => {
  it("has the plans' products and prices from the start, and creates more through the API", async () => {
    const seeded = await stripe.prices.retrieve('price_pro_monthly', { expand: ['product'] });
    expect(seeded).toMatchObject({ unit_amount: 2900, currency: 'usd', type: 'recurring', recurring: { interval: 'month', trial_period_days: 7 }, lookup_key: 'pro' });
    expect((seeded.product as Stripe.Product).name).toBe('Pro');
    expect((await stripe.prices.list({ lookup_keys: ['elite'] })).data.map((p) => p.id)).toEqual(['price_elite_monthly']);

    const product = await stripe.products.create({ name: 'Desk', metadata: { planId: 'desk' } });
    const yearly = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 99000, recurring: { interval: 'year' } });
    const inline = await stripe.prices.create({ currency: 'eur', unit_amount: 500, product_data: { name: 'Tip jar' } });
    expect(yearly).toMatchObject({ product: product.id, recurring: { interval: 'year', interval_count: 1 } });
    expect(inline).toMatchObject({ type: 'one_time', recurring: null });
    expect((await stripe.products.retrieve(product.id)).default_price).toBe(yearly.id);
    expect((await stripe.prices.list({ product: product.id })).data.map((p) => p.id)).toEqual([yearly.id]);
    expect(emu.calls('POST', '/v1/prices')[1]?.form).toEqual({ currency: 'eur', unit_amount: '500', product_data: { name: 'Tip jar' } });
  });
});

describe('checkout sessions', () => {
  it('creates a subscription session with every option Signalcast sends and sends it all on the wire', async () => {
    const customer = await stripe.customers.create({ email: 'ann@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      client_reference_id: 'acc_1',
      metadata: { account: 'acc_1', identity: 'telegram:42' },
      subscription_data: { metadata: { account: 'acc_1' }, trial_period_days: 7 },
      allow_promotion_codes: true,
      success_url: 'http://127.0.0.1:9/done?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://127.0.0.1:9/cancel',
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      customer: customer.id,
      client_reference_id: 'acc_1',
      metadata: { account: 'acc_1', identity: 'telegram:42' },
      allow_promotion_codes: true,
      amount_total: 0,
      currency: 'usd',
      url: `${emu.url}/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_/);

    const [sent] = emu.calls('POST', '/v1/checkout/sessions');
    expect(sent?.form).toMatchObject({
      line_items: [{ price: 'price_pro_monthly', quantity: '1' }],
      subscription_data: { metadata: { account: 'acc_1' }, trial_period_days: '7' },
      allow_promotion_codes: 'true',
    });
    const raw = emu.requests.find((r) => r.path === '/v1/checkout/sessions')?.rawBody.toString('utf8') ?? '';
    expect(decodeURIComponent(raw)).toContain('line_items[0][price]=price_pro_monthly');

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(retrieved.line_items?.data[0]).toMatchObject({ object: 'item', quantity: 1, amount_subtotal: 2900, price: { id: 'price_pro_monthly' } });
  });

  it('completes a paid session: customer created from the email, active subscription, session complete', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer_email: 'new@example.com',
      line_items: [{ price: 'price_elite_monthly' }],
      subscription_data: { metadata: { account: 'acc_9' } },
      success_url: 'http://127.0.0.1:9/done',
    });
    const result = emu.completeCheckout(session.id, { card: '4242 4242 4242 4242' });
    expect(result.ok).toBe(true);

    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'customer'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, amount_total: 9900 });
    const sub = done.subscription as Stripe.Subscription;
    const customer = done.customer as Stripe.Customer;
    expect(sub).toMatchObject({ object: 'subscription', status: 'active', metadata: { account: 'acc_9' }, customer: customer.id });
    expect(customer.email).toBe('new@example.com');
    expect(customer.invoice_settings.default_payment_method).toMatch(/^pm_/);
  });

  it('expires an open session and refuses to expire it twice', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly' }] });
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(emu.events('checkout.session.expired')).toHaveLength(1);
  });
});

describe('subscriptions', () => {
  it('retrieves a subscription with customer, latest invoice and product expanded', async () => {
    const customer = await stripe.customers.create({ email: 'ann@example.com' });
    const { id } = await subscribe(customer.id);
    const sub = await stripe.subscriptions.retrieve(id, { expand: ['customer', 'latest_invoice', 'items.data.price.product'] });
    expect((sub.customer as Stripe.Customer).email).toBe('ann@example.com');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ object: 'invoice', status: 'paid', amount_paid: 9900, billing_reason: 'subscription_create' });
    const item = sub.items.data[0] as Stripe.SubscriptionItem;
    expect((item.price.product as Stripe.Product).name).toBe('Elite');
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);
    expect(emu.calls('GET', `/v1/subscriptions/${id}`)[0]?.form).toEqual({ expand: ['customer', 'latest_invoice', 'items.data.price.product'] });
  });

  it('lists every subscription with auto-pagination, following starting_after', async () => {
    const customer = await stripe.customers.create({ email: 'many@example.com' });
    const other = await stripe.customers.create({ email: 'other@example.com' });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await subscribe(customer.id)).id);
    await subscribe(other.id);
    await stripe.subscriptions.cancel(ids[0] as string);

    const seen: string[] = [];
    for await (const sub of stripe.subscriptions.list({ customer: customer.id, status: 'all', limit: 5 })) seen.push(sub.id);
    expect(seen).toEqual([...ids].reverse());
    const pages = emu.calls('GET', '/v1/subscriptions');
    expect(pages).toHaveLength(3);
    expect(pages[1]?.form.starting_after).toBe(ids[7]);

    const notCanceled = await stripe.subscriptions.list({ customer: customer.id, limit: 100 });
    expect(notCanceled.data).toHaveLength(11);
    expect(notCanceled.has_more).toBe(false);
  });

  it('sets cancel_at_period_end and cancels outright', async () => {
    const customer = await stripe.customers.create({ email: 'ann@example.com' });
    const { id } = await subscribe(customer.id);
    const pending = await stripe.subscriptions.update(id, { cancel_at_period_end: true });
    expect(pending).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: pending.items.data[0]?.current_period_end });
    const canceled = await stripe.subscriptions.cancel(id, { cancellation_details: { comment: 'too noisy' } });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { comment: 'too noisy', reason: 'cancellation_requested' } });
    expect(emu.events('customer.subscription.deleted').map((e) => (e.data.object as Stripe.Subscription).id)).toEqual([id]);
  });
});

describe('portal, coupons and balance', () => {
  it('creates a billing portal session whose page lists the subscription and cancels it at period end', async () => {
    const customer = await stripe.customers.create({ email: 'ann@example.com' });
    const { id } = await subscribe(customer.id);
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://127.0.0.1:9/back' });
    expect(portal).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: 'http://127.0.0.1:9/back' });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain(`data-subscription="${id}"`);
    const action = /action="([^"]+\/cancel)"/.exec(html)?.[1];
    const res = await fetch(`${emu.url}${action}`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect((await stripe.subscriptions.retrieve(id)).cancel_at_period_end).toBe(true);
  });

  it('creates coupons and promotion codes, finds a code, and discounts the checkout and its invoice', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once', name: 'Referral' });
    const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'FRIEND25' });
    expect(promo).toMatchObject({ object: 'promotion_code', code: 'FRIEND25', active: true, promotion: { type: 'coupon', coupon: coupon.id } });
    const found = await stripe.promotionCodes.list({ code: 'FRIEND25', active: true });
    expect(found.data.map((p) => p.id)).toEqual([promo.id]);

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer_email: 'ref@example.com',
      line_items: [{ price: 'price_elite_monthly' }],
      discounts: [{ promotion_code: promo.id }],
    });
    expect(session).toMatchObject({ amount_subtotal: 9900, amount_total: 7425, discounts: [{ coupon: coupon.id, promotion_code: promo.id }] });
    expect(emu.calls('POST', '/v1/checkout/sessions')[0]?.form.discounts).toEqual([{ promotion_code: promo.id }]);
    const result = emu.completeCheckout(session.id, { card: '4242424242424242' });
    if (!result.ok) throw new Error(result.message);
    const invoice = await stripe.invoices.retrieve(result.subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ subtotal: 9900, total: 7425, amount_paid: 7425 });
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
  });

  it('records customer balance transactions and keeps customer.balance in step', async () => {
    const customer = await stripe.customers.create({ email: 'referrer@example.com' });
    const credit = await stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'usd', description: 'Referral credit' });
    expect(credit).toMatchObject({ object: 'customer_balance_transaction', amount: -500, ending_balance: -500, type: 'adjustment', customer: customer.id });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(-500);
    const listed = await stripe.customers.listBalanceTransactions(customer.id);
    expect(listed.data.map((t) => t.id)).toEqual([credit.id]);
    expect(emu.calls('POST', `/v1/customers/${customer.id}/balance_transactions`)[0]?.form).toEqual({ amount: '-500', currency: 'usd', description: 'Referral credit' });
  });
});

describe('charges, invoice payments and disputes (refunds and disputes)', () => {
  it('follows a charge to its invoice through the invoice payment, as billing/refunds.ts does', async () => {
    const customer = await stripe.customers.create({ email: 'cat@example.com' });
    const sub = await subscribe(customer.id);
    const charge = emu.refund(sub.id);
    const fetched = await stripe.charges.retrieve(charge.id);
    expect(fetched).toMatchObject({ id: charge.id, object: 'charge', refunded: true, amount_refunded: 9900, customer: customer.id });
    const payments = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: fetched.payment_intent as string }, limit: 1 });
    expect(payments).toMatchObject({ object: 'list', data: [{ object: 'invoice_payment', invoice: sub.latest_invoice, status: 'paid' }] });
    expect(emu.calls('GET', '/v1/invoice_payments')[0]?.form).toEqual({ payment: { type: 'payment_intent', payment_intent: fetched.payment_intent }, limit: '1' });
    expect((await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: 'pi_unknown' } })).data).toEqual([]);
    await expect(stripe.charges.retrieve('ch_unknown')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'resource_missing' });

    const dispute = emu.dispute(sub.id);
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({ id: dispute.id, charge: charge.id, status: 'needs_response' });
  });
});
