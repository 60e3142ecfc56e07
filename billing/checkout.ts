// Billing on Stripe: a Checkout link per plan that carries the account (trial, referral discount or promotion codes), and the portal link.
import type Stripe from 'stripe';
import type { AccountStore } from '../core/accounts/ports';
import type { Account, Subscription } from '../core/accounts/types';
import type { ReferralStore } from '../core/billing/referrals';
import { MAX_CHECKOUT_QUANTITY, type Billing, type CheckoutDiscount, type CheckoutRequest } from '../core/billing/ports';
import { SignalcastError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isPaid, planById, type Plan, type PlansConfig } from '../core/plans';
import { toBillingError } from './errors';
import { BILLING_PAGES } from './pages-route';
import type { ReferralProgram } from './referrals';

/** What the checkout and portal links need. */
export interface StripeBillingDeps {
  stripe: Stripe;
  accounts: AccountStore;
  referrals: ReferralStore;
  program: ReferralProgram;
  plans: PlansConfig;
  /** Where Checkout and the portal send people back: PUBLIC_URL, or (a function, as it is known once listening) the server's own URL in the sandbox. */
  publicUrl: string | (() => string);
  logger: Logger;
}

const HOLDING = new Set(['trialing', 'active', 'past_due']);

export class StripeBilling implements Billing {
  constructor(private readonly deps: StripeBillingDeps) {}

  private get base(): string {
    const url = typeof this.deps.publicUrl === 'function' ? this.deps.publicUrl() : this.deps.publicUrl;
    return url.replace(/\/+$/, '');
  }

  async createCheckoutLink(request: CheckoutRequest): Promise<{ url: string; sessionId: string; discount?: CheckoutDiscount | undefined }> {
    const plan = this.paidPlan(request.planId);
    const quantity = checkedQuantity(request.quantity);
    const account = await this.deps.accounts.getAccount(request.accountId);
    if (!account) throw new SignalcastError('not_found', `account ${request.accountId} not found`);
    const referredBy = await this.referrer(account, request.referralCode);
    const history = (await this.deps.accounts.listSubscriptions(account.id)).filter((s) => s.source === 'stripe');
    refuseSecondSubscription(history, plan);

    const metadata = { accountId: account.id, planId: plan.id, platform: request.identity.platform, platformUserId: request.identity.platformUserId };
    // Stripe offers a trial once per person, and the referral discount on the first subscription only.
    const trialDays = plan.trialDays > 0 && !history.some((s) => s.trialEnd !== null) ? plan.trialDays : undefined;
    const coupon = referredBy && history.length === 0 ? await this.deps.program.ensureCoupon() : undefined;

    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      line_items: [{ price: plan.stripePriceId as string, quantity }],
      client_reference_id: account.id,
      metadata,
      subscription_data: { metadata, ...(trialDays ? { trial_period_days: trialDays } : {}) },
      success_url: `${this.base}${BILLING_PAGES.success}?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${this.base}${BILLING_PAGES.cancel}`,
      // Without a customer, Checkout asks for the email and creates one; the webhook saves it on the account.
      ...(account.stripeCustomerId ? { customer: account.stripeCustomerId } : {}),
      // Stripe refuses allow_promotion_codes together with discounts.
      ...(coupon ? { discounts: [{ coupon }] } : { allow_promotion_codes: true }),
    };
    let session: Stripe.Checkout.Session;
    try {
      session = await this.deps.stripe.checkout.sessions.create(params);
    } catch (err) {
      throw toBillingError(err, `creating a checkout session for plan ${plan.id}`);
    }
    if (!session.url) throw new SignalcastError('internal', `Stripe returned checkout session ${session.id} without a URL`);
    this.deps.logger.info({ accountId: account.id, planId: plan.id, sessionId: session.id, quantity, trialDays: trialDays ?? 0, referral: coupon !== undefined }, 'checkout session created');
    const discount = coupon ? await this.discountOf(coupon, plan, trialDays !== undefined) : undefined;
    return { url: session.url, sessionId: session.id, ...(discount ? { discount } : {}) };
  }

  /** What the coupon takes off the plan's first payment, as Checkout will show it; undefined when Stripe cannot say (the link works all the same). */
  private async discountOf(couponId: string, plan: Plan, afterTrial: boolean): Promise<CheckoutDiscount | undefined> {
    let coupon: Stripe.Coupon;
    try {
      coupon = await this.deps.stripe.coupons.retrieve(couponId);
    } catch (err) {
      this.deps.logger.warn({ couponId, err: (err as Error).message }, 'could not read the referral coupon to show its discount');
      return undefined;
    }
    const regular = plan.priceCents;
    const off = coupon.percent_off !== null ? Math.round((regular * coupon.percent_off) / 100) : Math.min(coupon.amount_off ?? 0, regular);
    if (off <= 0) return undefined;
    const label = coupon.percent_off !== null ? `${coupon.percent_off}% off` : `${money(coupon.amount_off ?? 0, plan.currency)} off`;
    return { label, firstPaymentCents: regular - off, regularCents: regular, currency: plan.currency, afterTrial };
  }

  async createPortalLink(accountId: string): Promise<{ url: string }> {
    const account = await this.deps.accounts.getAccount(accountId);
    if (!account) throw new SignalcastError('not_found', `account ${accountId} not found`);
    if (!account.stripeCustomerId) throw new SignalcastError('not_found', 'no billing account yet: subscribe first');
    try {
      const session = await this.deps.stripe.billingPortal.sessions.create({ customer: account.stripeCustomerId, return_url: `${this.base}${BILLING_PAGES.portalReturn}` });
      return { url: session.url };
    } catch (err) {
      throw toBillingError(err, 'creating a billing portal session');
    }
  }

  private paidPlan(planId: string): Plan {
    const plan = planById(this.deps.plans, planId);
    if (!plan) throw new SignalcastError('not_found', `unknown plan "${planId}"; the plans are ${this.deps.plans.plans.map((p) => p.id).join(', ')}`);
    if (!isPaid(plan)) throw new SignalcastError('not_found', `plan "${planId}" is free: there is nothing to pay`);
    return plan;
  }

  /** Who referred the account: already recorded, or the owner of the code given now (recorded from here on). */
  private async referrer(account: Account, code: string | undefined): Promise<string | null> {
    if (account.referredBy) return account.referredBy;
    if (!code) return null;
    const owner = await this.deps.referrals.findAccountByReferralCode(code);
    if (!owner || owner.id === account.id) return null;
    return (await this.deps.referrals.setReferredBy(account.id, owner.id)) ? owner.id : null;
  }
}

function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

/** The checkout's quantity: 1 when not given, else a whole number 1..MAX_CHECKOUT_QUANTITY (a ValidationError otherwise, before Stripe is called). */
function checkedQuantity(quantity: number | undefined): number {
  if (quantity === undefined) return 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_CHECKOUT_QUANTITY) {
    throw new ValidationError([{ field: 'quantity', message: `expected a whole number from 1 to ${MAX_CHECKOUT_QUANTITY}, got ${String(quantity)}` }]);
  }
  return quantity;
}

/** A second live subscription would charge twice: changes go through the portal. */
function refuseSecondSubscription(history: Subscription[], plan: Plan): void {
  const live = history.find((s) => HOLDING.has(s.status) && !s.cancelAtPeriodEnd);
  if (!live) return;
  const what = live.planId === plan.id ? `already subscribed to ${plan.name}` : `already subscribed to plan ${live.planId}`;
  throw new SignalcastError('conflict', `${what}: use /billing to change or cancel it`);
}
