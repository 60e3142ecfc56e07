// Stripe's webhook, transport aside: verify the signature on the raw bytes, skip replays, mirror the subscription the event is about.
import Stripe from 'stripe';
import type { StripeEventOutcome, StripeEventStore } from '../core/billing/store';
import type { Clock } from '../core/clock';
import { SignalcastError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isResourceMissing, toBillingError } from './errors';
import type { ReferralProgram } from './referrals';
import type { SubscriptionSync, SyncResult } from './subscription-sync';

/** The signature is missing, wrong, or too old: answer 400 and change nothing. */
export class WebhookSignatureError extends SignalcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unauthorized', message, options);
    this.name = 'WebhookSignatureError';
  }
}

/** What happened to one delivery. 'duplicate': the event id was already processed, so nothing changed. */
export interface WebhookResult {
  eventId: string;
  type: string;
  outcome: StripeEventOutcome | 'duplicate';
}

/** The webhook's dependencies; `referrals` is optional (no referral credits without it). */
export interface StripeWebhookDeps {
  stripe: Stripe;
  /** STRIPE_WEBHOOK_SECRET (whsec_...); the whole string is the HMAC key. */
  webhookSecret: string;
  sync: SubscriptionSync;
  events: StripeEventStore;
  referrals?: ReferralProgram | undefined;
  clock: Clock;
  logger: Logger;
  /** How old a signature may be, in seconds (Stripe's default: 300). */
  toleranceSeconds?: number;
}

/** The events that can change a subscription; every other type is recorded and ignored. */
export const SUBSCRIPTION_EVENTS = new Set(['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed']);
const isSubscriptionEvent = (type: string): boolean => SUBSCRIPTION_EVENTS.has(type) || type.startsWith('customer.subscription.');

const idOf = (value: string | { id: string } | null | undefined): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : value.id);

export class StripeWebhook {
  constructor(private readonly deps: StripeWebhookDeps) {
    if (!deps.webhookSecret.startsWith('whsec_')) throw new SignalcastError('config_invalid', 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)');
  }

  /** Checks `Stripe-Signature` against the raw body, with this service's clock for the age check. */
  verify(rawBody: Buffer, signature: string | string[] | undefined): Stripe.Event {
    const header = Array.isArray(signature) ? signature[0] : signature;
    if (!header) throw new WebhookSignatureError('missing Stripe-Signature header');
    try {
      return this.deps.stripe.webhooks.constructEvent(rawBody, header, this.deps.webhookSecret, this.deps.toleranceSeconds ?? 300, undefined, this.deps.clock.now());
    } catch (err) {
      const message = err instanceof Stripe.errors.StripeSignatureVerificationError ? err.message : 'the body is not a Stripe event';
      throw new WebhookSignatureError(`bad Stripe signature: ${message}`, { cause: err });
    }
  }

  /**
   * Processes a verified event once. The event id is recorded after the change is saved: a crash
   * in between leaves it unrecorded, Stripe retries, and the retry fetches the same state again.
   * Throws when Stripe or the database fails, so the route answers 500 and Stripe retries.
   */
  async handle(event: Stripe.Event): Promise<WebhookResult> {
    const { events, logger } = this.deps;
    if (await events.hasEvent(event.id)) return { eventId: event.id, type: event.type, outcome: 'duplicate' };
    const outcome = isSubscriptionEvent(event.type) ? await this.apply(event) : 'ignored';
    const fresh = await events.recordEvent({ id: event.id, type: event.type, outcome });
    if (!fresh) return { eventId: event.id, type: event.type, outcome: 'duplicate' };
    if (outcome === 'unknown_customer') logger.warn({ eventId: event.id, type: event.type }, 'Stripe event for a customer no account knows: recorded and ignored');
    else logger.info({ eventId: event.id, type: event.type, outcome }, 'Stripe event processed');
    return { eventId: event.id, type: event.type, outcome };
  }

  private async apply(event: Stripe.Event): Promise<StripeEventOutcome> {
    const cause = { actor: 'stripe', reason: `Stripe event ${event.type}`, eventId: event.id };
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = await this.retrieveSession(event.data.object.id);
        const subscriptionId = session ? idOf(session.subscription) : null;
        if (!session || session.mode !== 'subscription' || !subscriptionId) return 'ignored';
        const accountId = session.client_reference_id ?? session.metadata?.accountId ?? null;
        return outcomeOf(await this.deps.sync.syncById(subscriptionId, { ...cause, accountId }));
      }
      case 'invoice.paid':
      case 'invoice.payment_failed': {
        const subscriptionId = idOf(event.data.object.parent?.subscription_details?.subscription);
        if (!subscriptionId) return 'ignored';
        const result = await this.deps.sync.syncById(subscriptionId, cause);
        if (event.type === 'invoice.paid' && (result.outcome === 'applied' || result.outcome === 'unchanged')) {
          const invoiceId = event.data.object.id;
          if (invoiceId && (await this.creditReferrer(result.accountId, invoiceId)) === 'failed') return 'referral_failed';
        }
        return outcomeOf(result);
      }
      default: {
        const subscriptionId = (event.data.object as { id?: string }).id;
        if (!subscriptionId) return 'ignored';
        return outcomeOf(await this.deps.sync.syncById(subscriptionId, cause));
      }
    }
  }

  private async retrieveSession(id: string): Promise<Stripe.Checkout.Session | null> {
    try {
      return await this.deps.stripe.checkout.sessions.retrieve(id);
    } catch (err) {
      if (isResourceMissing(err)) return null;
      throw toBillingError(err, `fetching checkout session ${id}`);
    }
  }

  /** A referred subscriber's first paid invoice (with money in it: a trial's $0 invoice does not count) credits the referrer. */
  private async creditReferrer(accountId: string, invoiceId: string): Promise<string> {
    if (!this.deps.referrals) return 'not_referred';
    let invoice: Stripe.Invoice;
    try {
      invoice = await this.deps.stripe.invoices.retrieve(invoiceId);
    } catch (err) {
      throw toBillingError(err, `fetching invoice ${invoiceId}`);
    }
    if (invoice.status !== 'paid' || invoice.amount_paid <= 0 || !invoice.id) return 'not_paid';
    return this.deps.referrals.creditReferrer(accountId, { id: invoice.id, currency: invoice.currency });
  }
}

function outcomeOf(result: SyncResult): StripeEventOutcome {
  switch (result.outcome) {
    case 'applied':
      return 'applied';
    case 'unchanged':
      return 'unchanged';
    case 'unknown_customer':
      return 'unknown_customer';
    case 'missing':
      return 'ignored';
  }
}
