// Billing as the core and the bots see it; billing/ implements it with Stripe.
import type { PlatformName } from '../types';

export interface CheckoutRequest {
  accountId: string;
  planId: string;
  /** Who asked, so the welcome goes back to the same chat. */
  identity: { platform: PlatformName; platformUserId: string };
  /** A referral code given at /start; the checkout carries the referral discount. */
  referralCode?: string | undefined;
}

export interface Billing {
  /** A Stripe Checkout link for this plan; throws SignalcastError('not_found') for an unknown or free plan. */
  createCheckoutLink(request: CheckoutRequest): Promise<{ url: string; sessionId: string }>;
  /** A customer portal link; throws SignalcastError('not_found') when the account has never paid. */
  createPortalLink(accountId: string): Promise<{ url: string }>;
}
