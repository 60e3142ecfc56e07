// Billing as the core and the bots see it; billing/ implements it with Stripe.
import type { PlatformName } from '../types';

export interface CheckoutRequest {
  accountId: string;
  planId: string;
  /** Who asked, so the welcome goes back to the same chat. */
  identity: { platform: PlatformName; platformUserId: string };
  /** A referral code given at /start; the checkout carries the referral discount. */
  referralCode?: string | undefined;
  /** How many of the plan's price the subscription is for (the seats of a plan priced per seat): a whole number 1..MAX_CHECKOUT_QUANTITY; 1 when left out. */
  quantity?: number | undefined;
}

/** The most seats one checkout asks for. */
export const MAX_CHECKOUT_QUANTITY = 10_000;

/** A discount a checkout carries (the referral discount), so the chat can say what the payer will see. */
export interface CheckoutDiscount {
  /** e.g. "20% off" or "$5.00 off". */
  label: string;
  /** The first payment with the discount, and without it, in the plan's currency. */
  firstPaymentCents: number;
  regularCents: number;
  currency: string;
  /** The first payment comes when the trial ends (nothing is due today). */
  afterTrial: boolean;
}

export interface Billing {
  /** A Stripe Checkout link for this plan; throws SignalcastError('not_found') for an unknown or free plan, 'validation_failed' for a bad quantity. */
  createCheckoutLink(request: CheckoutRequest): Promise<{ url: string; sessionId: string; discount?: CheckoutDiscount | undefined }>;
  /** A customer portal link; throws SignalcastError('not_found') when the account has never paid. */
  createPortalLink(accountId: string): Promise<{ url: string }>;
}
