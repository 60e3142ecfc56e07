// Builds the stripe-node client from the settings: the real API, or any base URL (the sandbox emulator).
import Stripe from 'stripe';
import { SignalcastError } from '../core/errors';

export interface StripeClientSettings {
  /** STRIPE_SECRET_KEY. */
  secretKey: string;
  /** STRIPE_API_BASE, e.g. "http://127.0.0.1:12111"; absent means https://api.stripe.com. */
  apiBase?: string | undefined;
  /** Retries of network failures and 5xx/409 answers (stripe-node reuses the Idempotency-Key). Default 2. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/** Splits a base URL into stripe-node's host/port/protocol; stripe-node wants a host without a scheme. */
export function stripeEndpoint(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new SignalcastError('config_invalid', `STRIPE_API_BASE must be a URL such as https://api.stripe.com or http://127.0.0.1:12111 (got "${apiBase.slice(0, 80)}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SignalcastError('config_invalid', `STRIPE_API_BASE must start with http:// or https:// (got ${url.protocol})`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new SignalcastError('config_invalid', `STRIPE_API_BASE must have no path: stripe-node adds /v1 itself (got "${url.pathname}")`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  // URL keeps IPv6 hosts in brackets; the http module wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, protocol };
}

/** A stripe-node client; one per process, made by main.ts and passed to whatever needs it. */
export function createStripeClient(settings: StripeClientSettings): Stripe {
  if (!/^(sk|rk)_(test|live)_\w+$/.test(settings.secretKey)) {
    throw new SignalcastError('config_invalid', 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_..., sk_live_... or rk_...)');
  }
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: settings.maxNetworkRetries ?? 2,
    ...(settings.timeoutMs === undefined ? {} : { timeout: settings.timeoutMs }),
    ...(settings.apiBase ? stripeEndpoint(settings.apiBase) : {}),
    appInfo: { name: 'signalcast' },
  });
}
