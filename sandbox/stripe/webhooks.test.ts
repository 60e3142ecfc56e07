// Events and webhooks: listed by the API, delivered signed exactly as Stripe signs (proved with
// stripe-node's own constructEvent), retried on failure, and duplicated, delayed or reordered on request.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startStripeEmulator, stripeClientOptions, type StripeEmulator, type StripeEmulatorOptions } from './index';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

let emu: StripeEmulator;
let stripe: Stripe;
let receiver: WebhookReceiver;

async function start(options: StripeEmulatorOptions = {}): Promise<void> {
  emu = await startStripeEmulator({
    webhookUrl: receiver.url,
    plans: [{ planId: 'pro', name: 'Pro', priceId: 'price_pro', amountCents: 2900, currency: 'usd', interval: 'month' }],
    ...options,
    webhooks: { retryDelaysMs: [0, 0], ...options.webhooks },
  });
  stripe = new Stripe(emu.secretKey, stripeClientOptions(emu));
}

beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await emu.stop();
  await receiver.stop();
});

async function paidCheckout(): Promise<Stripe.Subscription> {
  const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer_email: 'w@example.com', line_items: [{ price: 'price_pro' }] });
  const result = emu.completeCheckout(session.id, { card: '4242424242424242' });
  if (!result.ok) throw new Error(result.message);
  return result.subscription;
}

const CHECKOUT_EVENTS = [
  'customer.created',
  'customer.updated',
  'invoice.created',
  'invoice.finalized',
  'customer.subscription.created',
  'invoice.paid',
  'invoice.payment_succeeded',
  'customer.subscription.updated',
  'checkout.session.completed',
];

describe('webhook delivery', () => {
  it('signs every delivery so that stripe-node constructEvent accepts the raw body, and rejects a tampered one', async () => {
    await start();
    await paidCheckout();
    await emu.whenWebhooksDelivered();
    expect(receiver.received.map((r) => r.type)).toEqual(CHECKOUT_EVENTS);
    for (const delivery of receiver.received) {
      const event = stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature ?? '', emu.webhookSecret);
      expect(event.id).toBe(delivery.id);
    }
    const first = receiver.received[0];
    expect(first?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(first?.headers['content-type']).toBe('application/json; charset=utf-8');
    const tampered = (first?.rawBody ?? '').replace('w@example.com', 'x@example.com');
    expect(() => stripe.webhooks.constructEvent(tampered, first?.signature ?? '', emu.webhookSecret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('delivers the checkout.session.completed event with the session, customer and subscription', async () => {
    await start();
    const sub = await paidCheckout();
    await emu.whenWebhooksDelivered();
    const completed = receiver.received.find((r) => r.type === 'checkout.session.completed');
    const event = JSON.parse(completed?.rawBody ?? '{}') as Stripe.CheckoutSessionCompletedEvent;
    expect(event).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1, data: { object: { status: 'complete', subscription: sub.id, customer: sub.customer } } });
    expect(event.api_version).toBe(Stripe.API_VERSION);
  });

  it('signs with the signature clock, and signs crafted payloads the same way', async () => {
    const signatureClock = new FakeClock(Date.UTC(2026, 5, 1));
    await start({ signatureClock });
    await stripe.customers.create({ email: 'a@example.com' });
    await emu.whenWebhooksDelivered();
    expect(receiver.received[0]?.signature).toMatch(new RegExp(`^t=${Date.UTC(2026, 5, 1) / 1000},`));
    const payload = '{"id":"evt_test","object":"event"}';
    const header = emu.signWebhook(payload, 1_000);
    expect(header).toBe(stripe.webhooks.generateTestHeaderString({ payload, secret: emu.webhookSecret, timestamp: 1_000 }));
  });

  it('retries a delivery the endpoint refused, then gives up after the bounded attempts', async () => {
    await start();
    receiver.answerNext(500, 503);
    await stripe.customers.create({ email: 'a@example.com' });
    await emu.whenWebhooksDelivered();
    expect(receiver.received.map((r) => r.type)).toEqual(['customer.created', 'customer.created', 'customer.created']);
    expect(emu.webhooks.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);

    receiver.answerNext(500, 500, 500);
    await stripe.customers.create({ email: 'b@example.com' });
    await emu.whenWebhooksDelivered();
    expect(emu.webhooks.attempts.slice(3).map((a) => a.status)).toEqual([500, 500, 500]);
    expect(receiver.received).toHaveLength(6);
  });

  it('duplicates every delivery when asked', async () => {
    await start({ webhooks: { duplicate: true } });
    await stripe.customers.create({ email: 'a@example.com' });
    await emu.whenWebhooksDelivered();
    expect(receiver.received.map((r) => r.type)).toEqual(['customer.created', 'customer.created']);
    expect(receiver.received[0]?.id).toBe(receiver.received[1]?.id);
  });

  it('reverses the events of one change, and reorders across changes with hold and release', async () => {
    await start({ webhooks: { order: 'reverse' } });
    await paidCheckout();
    await emu.whenWebhooksDelivered();
    expect(receiver.received.map((r) => r.type)).toEqual([...CHECKOUT_EVENTS].reverse());

    emu.webhooks.configure({ order: 'created' });
    receiver.received.length = 0;
    emu.webhooks.hold();
    const a = await stripe.customers.create({ email: 'a@example.com' });
    const b = await stripe.customers.create({ email: 'b@example.com' });
    await emu.whenWebhooksDelivered();
    expect(receiver.received).toHaveLength(0);
    expect(emu.webhooks.heldCount).toBe(2);
    emu.webhooks.release('reverse');
    await emu.whenWebhooksDelivered();
    const ids = receiver.received.map((r) => (JSON.parse(r.rawBody) as Stripe.CustomerCreatedEvent).data.object.id);
    expect(ids).toEqual([b.id, a.id]);
  });

  it('delays deliveries on the delay clock without sleeping', async () => {
    const delays = new FakeClock();
    await start({ webhooks: { delayMs: 5_000, sleep: (ms) => delays.sleep(ms) } });
    await stripe.customers.create({ email: 'a@example.com' });
    await delays.advance(4_999);
    expect(emu.webhooks.attempts).toHaveLength(0);
    await delays.advance(1);
    await emu.whenWebhooksDelivered();
    expect(receiver.received.map((r) => r.type)).toEqual(['customer.created']);
  });

  it('refuses a webhook endpoint that is not on this machine', async () => {
    await expect(startStripeEmulator({ webhookUrl: 'https://example.com/hook' })).rejects.toThrow(/loopback/);
    await start();
  });
});

describe('events API', () => {
  it('lists events newest first, filters by type and retrieves one, with the request that caused it', async () => {
    await start();
    const customer = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-a' });
    await stripe.customers.update(customer.id, { name: 'Ann' });
    const all = await stripe.events.list();
    expect(all.data.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    const created = await stripe.events.list({ type: 'customer.created' });
    expect(created.data).toHaveLength(1);
    const event = await stripe.events.retrieve(created.data[0]?.id as string);
    expect(event).toMatchObject({ type: 'customer.created', request: { idempotency_key: 'create-a' }, data: { object: { id: customer.id } } });
    expect(event.request?.id).toMatch(/^req_/);
    const updated = all.data[0] as Stripe.CustomerUpdatedEvent;
    expect(updated.data.previous_attributes).toEqual({ name: null });
    const family = await stripe.events.list({ type: 'customer.*' });
    expect(family.data).toHaveLength(2);
  });
});

describe('an endpoint pinned to an older API version', () => {
  const bodyOf = (type: string) => JSON.parse(receiver.received.find((r) => r.type === type)?.rawBody ?? '{}') as { api_version: string; data: { object: Record<string, unknown> } };

  it('gets invoices with invoice.subscription and no parent, subscriptions with their period, charges with their invoice', async () => {
    await start();
    emu.setWebhookUrl(receiver.url, { apiVersion: '2024-06-20' });
    const sub = await paidCheckout();
    emu.refund(sub.id);
    await emu.whenWebhooksDelivered();
    const invoice = bodyOf('invoice.paid');
    expect(invoice.api_version).toBe('2024-06-20');
    expect(invoice.data.object).toMatchObject({ object: 'invoice', subscription: sub.id });
    expect(invoice.data.object).not.toHaveProperty('parent');
    expect(bodyOf('customer.subscription.created').data.object).toMatchObject({ current_period_end: sub.items.data[0]?.current_period_end });
    expect(bodyOf('charge.refunded').data.object).toMatchObject({ object: 'charge', invoice: (await stripe.subscriptions.retrieve(sub.id)).latest_invoice });
    // Signed over the rendered body, and the events the API lists stay in the account's version.
    for (const delivery of receiver.received) expect(stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature ?? '', emu.webhookSecret).id).toBe(delivery.id);
    expect((await stripe.events.list({ type: 'invoice.paid' })).data[0]?.data.object).toHaveProperty('parent');
  });

  it('gets the account\'s version unchanged by default, with parent and no charge invoice', async () => {
    await start();
    const sub = await paidCheckout();
    emu.refund(sub.id);
    await emu.whenWebhooksDelivered();
    expect(bodyOf('invoice.paid').api_version).toBe(Stripe.API_VERSION);
    expect(bodyOf('invoice.paid').data.object).toMatchObject({ parent: { subscription_details: { subscription: sub.id } } });
    expect(bodyOf('charge.refunded').data.object).not.toHaveProperty('invoice');
  });
});
