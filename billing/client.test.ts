// The Stripe client factory: STRIPE_API_BASE split for stripe-node, the key checked, and the real client talking to the emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../sandbox/stripe';
import { createStripeClient, stripeEndpoint } from './client';

let emu: StripeEmulator | undefined;
afterEach(async () => emu?.stop());

describe('stripeEndpoint', () => {
  it('splits a base URL into host, port and protocol', () => {
    expect(stripeEndpoint('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(stripeEndpoint('https://api.stripe.com')).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(stripeEndpoint('http://localhost')).toEqual({ host: 'localhost', port: 80, protocol: 'http' });
    expect(stripeEndpoint('http://[::1]:8080/')).toEqual({ host: '::1', port: 8080, protocol: 'http' });
  });

  it('names the setting when the URL is unusable', () => {
    expect(() => stripeEndpoint('127.0.0.1:12111')).toThrow(/STRIPE_API_BASE/);
    expect(() => stripeEndpoint('ftp://127.0.0.1')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => stripeEndpoint('http://127.0.0.1:12111/v1')).toThrow(/no path/);
  });
});

describe('createStripeClient', () => {
  it('refuses something that is not a secret key, without echoing it', () => {
    let message = '';
    try {
      createStripeClient({ secretKey: 'pk_test_publishable123' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('STRIPE_SECRET_KEY');
    expect(message).not.toContain('pk_test_publishable123');
  });

  it('retries network failures twice by default', () => {
    expect(createStripeClient({ secretKey: 'sk_test_abc' }).getMaxNetworkRetries()).toBe(2);
  });

  it('talks to the server STRIPE_API_BASE names, with the key', async () => {
    emu = await startStripeEmulator({ plans: [{ planId: 'pro', name: 'Pro', priceId: 'price_pro', amountCents: 2900, currency: 'usd', interval: 'month' }] });
    const stripe = createStripeClient({ secretKey: emu.secretKey, apiBase: emu.url });
    expect(await stripe.prices.retrieve('price_pro')).toMatchObject({ id: 'price_pro', unit_amount: 2900 });
    expect(emu.requests.at(-1)?.headers.authorization).toBe(`Bearer ${emu.secretKey}`);

    const wrongKey = createStripeClient({ secretKey: 'sk_test_wrong', apiBase: emu.url });
    await expect(wrongKey.prices.retrieve('price_pro')).rejects.toMatchObject({ type: 'StripeAuthenticationError' });
  });
});
