// Stripe's error shapes and idempotency, as the real stripe-node client sees them: its error classes,
// its own retries with the same Idempotency-Key, and the injected faults of the base emulator.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, stripeClientOptions, type StripeEmulator } from './index';

let emu: StripeEmulator;
let stripe: Stripe;

beforeEach(async () => {
  emu = await startStripeEmulator({ plans: [{ planId: 'pro', name: 'Pro', priceId: 'price_pro', amountCents: 2900, currency: 'usd', interval: 'month' }] });
  stripe = new Stripe(emu.secretKey, stripeClientOptions(emu));
});
afterEach(async () => emu.stop());

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (err) {
    return err as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe('errors', () => {
  it('refuses a wrong key with StripeAuthenticationError and never echoes the key', async () => {
    const wrongKey = 'sk_test_wrongwrongwrongwrong1234';
    const err = await rejection(new Stripe(wrongKey, stripeClientOptions(emu)).customers.list());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.statusCode).toBe(401);
    expect(err.message).toContain('Invalid API Key provided');
    expect(err.message).not.toContain('1234');
  });

  it('names the missing or unknown parameter with StripeInvalidRequestError', async () => {
    const missing = await rejection(stripe.checkout.sessions.create({ mode: 'subscription', success_url: 'http://127.0.0.1/x' }));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'line_items', message: 'Missing required param: line_items.' });

    const unknown = await rejection(stripe.customers.create({ emial: 'typo@example.com' } as Stripe.CustomerCreateParams));
    expect(unknown).toMatchObject({ statusCode: 400, param: 'emial', message: 'Received unknown parameter: emial' });

    const nested = await rejection(
      stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro' }], subscription_data: { trial_days: 3 } as Stripe.Checkout.SessionCreateParams.SubscriptionData }),
    );
    expect(nested).toMatchObject({ param: 'subscription_data[trial_days]' });

    const badPrice = await rejection(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_nope' }] }));
    expect(badPrice).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]' });
  });

  it('answers an unknown id with 404 resource_missing', async () => {
    const err = await rejection(stripe.subscriptions.retrieve('sub_missing'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such subscription: 'sub_missing'" });
  });

  it('declines a charge on a failing card with StripeCardError', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer_email: 'a@example.com', line_items: [{ price: 'price_pro' }], subscription_data: { trial_period_days: 3 } });
    const paid = emu.completeCheckout(session.id, { card: '4000 0000 0000 0341' });
    if (!paid.ok) throw new Error(paid.message);
    const err = await rejection(stripe.subscriptions.create({ customer: paid.customer.id, items: [{ price: 'price_pro' }], payment_behavior: 'error_if_incomplete' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('renders injected faults in Stripe shape: 429 is not retried, 500 is retried with the same key', async () => {
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 1 });
    const limited = await rejection(stripe.customers.create({ email: 'a@example.com' }));
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(emu.calls('POST', '/v1/customers')).toHaveLength(1);

    emu.failNext({ kind: 'platform_error', status: 402, description: 'Your card was declined.', code: 'card_declined' });
    expect(await rejection(stripe.customers.create({ email: 'b@example.com' }))).toBeInstanceOf(Stripe.errors.StripeCardError);

    emu.failNext({ kind: 'server_error' });
    const created = await stripe.customers.create({ email: 'c@example.com' });
    const attempts = emu.calls('POST', '/v1/customers').slice(2);
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(attempts[0]?.headers['idempotency-key']).toBe(attempts[1]?.headers['idempotency-key']);
    expect(created.email).toBe('c@example.com');
  });
});

describe('idempotency', () => {
  it("replays the first answer when the client's own retry repeats a key after a lost response", async () => {
    emu.loseNextAnswer((req) => req.path === '/v1/customers');
    const customer = await stripe.customers.create({ email: 'once@example.com' });
    const attempts = emu.calls('POST', '/v1/customers');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.headers['idempotency-key']).toBe(attempts[1]?.headers['idempotency-key']);
    expect(customer.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([customer.id]);
    expect(emu.events('customer.created')).toHaveLength(1);
  });

  it('replays the same key and body, and refuses the same key with a different body', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'signup-1' });
    const again = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'signup-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    const err = await rejection(stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'signup-1' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
  });

  it('does not keep a validation failure, so a corrected request with the same key goes through', async () => {
    const invalid = await rejection(stripe.checkout.sessions.create({ mode: 'subscription' }, { idempotencyKey: 'k1' }));
    expect(invalid).toMatchObject({ param: 'line_items' });
    const ok = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro' }] }, { idempotencyKey: 'k1' });
    expect(ok.status).toBe('open');
    expect(ok.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });
});
