// Billing for the running service: Stripe when STRIPE_SECRET_KEY is set, else a stand-in that says payments are off.
// billing/ (and with it the stripe package) is imported only when STRIPE_SECRET_KEY is set (loadLibraries, app/libraries.ts).
import type { Billing } from '../core/billing/ports';
import { SignalcastError } from '../core/errors';
import type { BillingService, BillingServiceDeps } from '../billing';
import type { Config } from '../config';
import { lazy } from './lazy';

/** billing/ on the stripe client: loaded when STRIPE_SECRET_KEY is set. */
export const stripeBilling = lazy('billing (stripe)', () => import('../billing'));

/** The answer every billing call gets when Stripe is not configured. */
export const PAYMENTS_OFF_MESSAGE = 'payments are not configured (STRIPE_SECRET_KEY)';

/** A Billing whose every call fails with a clear error naming the missing setting. */
export const unconfiguredBilling: Billing = {
  createCheckoutLink: () => Promise.reject(new SignalcastError('internal', PAYMENTS_OFF_MESSAGE)),
  createPortalLink: () => Promise.reject(new SignalcastError('internal', PAYMENTS_OFF_MESSAGE)),
};

/** What billing needs besides the Stripe settings (the stores, the hooks, the clock and logger). */
export type BillingWiring = Omit<BillingServiceDeps, 'stripe' | 'webhookSecret'>;

/**
 * Builds Stripe billing on the settings, or returns null when STRIPE_SECRET_KEY is not set.
 * Without STRIPE_WEBHOOK_SECRET there is no webhook route and only reconciliation repairs.
 */
export function createBilling(settings: Config['stripe'], wiring: BillingWiring): BillingService | null {
  if (!settings.secretKey) return null;
  const { createBillingService, createStripeClient } = stripeBilling.get();
  const stripe = createStripeClient({ secretKey: settings.secretKey, apiBase: settings.apiBase });
  return createBillingService({ ...wiring, stripe, webhookSecret: settings.webhookSecret });
}
