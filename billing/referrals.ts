// The referral programme on Stripe: the referral coupon (made once), and a customer balance credit for the referrer, once per referred account.
import type Stripe from 'stripe';
import type { AccountStore } from '../core/accounts/ports';
import type { Account } from '../core/accounts/types';
import type { AuditLog } from '../core/audit';
import type { ReferralStore } from '../core/billing/referrals';
import type { StripeEventStore } from '../core/billing/store';
import type { Logger } from '../core/logger';
import { isResourceMissing, isStripeError, toBillingError } from './errors';

/** Tells an account something in the chat it uses (the bots implement it). */
export type Notify = (accountId: string, text: string) => Promise<void> | void;

/** The referral programme's terms. */
export interface ReferralSettings {
  /** The coupon a referred subscriber's first checkout carries; created when missing. Default "referral-20". */
  couponId: string;
  /** The coupon's discount, once, on the first invoice. Default 20. */
  percentOff: number;
  /**
   * What the referrer is credited, in the smallest unit of the referred invoice's currency. A fixed
   * amount (default 500, i.e. $5.00) rather than a share of the price, so that it reads the same
   * whatever plan the friend chose, and a discounted first invoice does not shrink it.
   */
  creditCents: number;
}

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = { couponId: 'referral-20', percentOff: 20, creditCents: 500 };

export type CreditResult = 'credited' | 'already_credited' | 'not_referred' | 'failed';

/** The referral programme's dependencies; `notify` tells the referrer about the credit. */
export interface ReferralProgramDeps {
  stripe: Stripe;
  accounts: AccountStore;
  referrals: ReferralStore;
  events: StripeEventStore;
  audit: AuditLog;
  logger: Logger;
  notify?: Notify | undefined;
  settings?: Partial<ReferralSettings>;
}

function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export class ReferralProgram {
  readonly settings: ReferralSettings;
  private coupon: Promise<string> | undefined;

  constructor(private readonly deps: ReferralProgramDeps) {
    this.settings = { ...DEFAULT_REFERRAL_SETTINGS, ...deps.settings };
  }

  /** The referral coupon's id, retrieving it or creating it the first time (then remembered). */
  ensureCoupon(): Promise<string> {
    this.coupon ??= this.findOrCreateCoupon().catch((err: unknown) => {
      this.coupon = undefined;
      throw err;
    });
    return this.coupon;
  }

  private async findOrCreateCoupon(): Promise<string> {
    const { stripe } = this.deps;
    const { couponId, percentOff } = this.settings;
    try {
      return (await stripe.coupons.retrieve(couponId)).id;
    } catch (err) {
      if (!isResourceMissing(err)) throw toBillingError(err, `fetching coupon ${couponId}`);
    }
    try {
      const coupon = await stripe.coupons.create({ id: couponId, percent_off: percentOff, duration: 'once', name: `Referral ${percentOff}% off` });
      return coupon.id;
    } catch (err) {
      // Another process made it first.
      if (isStripeError(err) && err.code === 'resource_already_exists') return couponId;
      throw toBillingError(err, `creating coupon ${couponId}`);
    }
  }

  /**
   * Credits the referrer of `referredAccountId` after one of their invoices was paid; only the first
   * paid invoice counts (referral_credits is unique per referred account). Throws a retryable
   * BillingError when Stripe is unavailable, so the webhook answers 500 and Stripe retries.
   */
  async creditReferrer(referredAccountId: string, invoice: { id: string; currency: string }): Promise<CreditResult> {
    const { accounts, referrals, logger } = this.deps;
    const referred = await accounts.getAccount(referredAccountId);
    const referrer = referred?.referredBy ? await accounts.getAccount(referred.referredBy) : null;
    if (!referred || !referrer) return 'not_referred';

    const { claimed, credit } = await referrals.claimCredit({
      referrerAccountId: referrer.id,
      referredAccountId,
      amountCents: this.settings.creditCents,
      currency: invoice.currency.toLowerCase(),
    });
    if (credit.stripeBalanceTransactionId !== null) return 'already_credited';

    let transactionId: string;
    try {
      const customer = await this.customerOf(referrer);
      // A claim left pending by a crash may already be applied: look before crediting again.
      const earlier = claimed ? undefined : await this.findTransaction(customer, credit.id);
      transactionId = earlier ?? (await this.deps.stripe.customers.createBalanceTransaction(
        customer,
        {
          amount: -credit.amountCents,
          currency: credit.currency,
          description: 'Referral credit',
          metadata: { referralCreditId: credit.id, referredAccountId },
        },
        { idempotencyKey: `signalcast-referral-credit-${credit.id}` },
      )).id;
    } catch (err) {
      const failure = toBillingError(err, `crediting referrer ${referrer.id}`);
      if (failure.retryable) throw failure;
      await referrals.dropCredit(credit.id);
      logger.error({ err: failure, referrerAccountId: referrer.id, referredAccountId, invoiceId: invoice.id }, 'referral credit refused by Stripe');
      this.deps.audit.record({ actor: 'stripe', action: 'referral.credit_failed', subjectType: 'account', subjectId: referrer.id, reason: failure.message, data: { referredAccountId, invoiceId: invoice.id } });
      return 'failed';
    }

    if (!(await referrals.completeCredit(credit.id, transactionId))) return 'already_credited';
    this.deps.audit.record({
      actor: 'stripe',
      action: 'referral.credited',
      subjectType: 'account',
      subjectId: referrer.id,
      reason: `referred account ${referredAccountId} paid invoice ${invoice.id}`,
      data: { referredAccountId, amountCents: credit.amountCents, currency: credit.currency, stripeBalanceTransactionId: transactionId },
    });
    await this.tell(referrer.id, `Thanks for spreading the word! Someone you referred has just subscribed, so ${money(credit.amountCents, credit.currency)} has been credited to your account. It comes off your next invoice.`);
    return 'credited';
  }

  /** The referrer's Stripe customer, created (and saved) when they never paid. */
  private async customerOf(referrer: Account): Promise<string> {
    if (referrer.stripeCustomerId) return referrer.stripeCustomerId;
    const created = await this.deps.stripe.customers.create(
      { ...(referrer.displayName ? { name: referrer.displayName } : {}), metadata: { accountId: referrer.id } },
      { idempotencyKey: `signalcast-customer-${referrer.id}` },
    );
    return this.deps.events.linkCustomer(referrer.id, created.id);
  }

  private async findTransaction(customer: string, creditId: string): Promise<string | undefined> {
    for await (const txn of this.deps.stripe.customers.listBalanceTransactions(customer, { limit: 100 })) {
      if (txn.metadata?.referralCreditId === creditId) return txn.id;
    }
    return undefined;
  }

  private async tell(accountId: string, text: string): Promise<void> {
    try {
      await this.deps.notify?.(accountId, text);
    } catch (err) {
      this.deps.logger.warn({ err, accountId }, 'could not tell the referrer about their credit');
    }
  }
}
