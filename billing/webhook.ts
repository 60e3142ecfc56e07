// Stripe's webhook, transport aside: verify the signature on the raw bytes, skip replays, mirror the subscription the event is about.
import Stripe from 'stripe';
import type { StripeEventOutcome, StripeEventStore } from '../core/billing/store';
import type { Clock } from '../core/clock';
import { SignalcastError } from '../core/errors';
import type { Logger } from '../core/logger';
import { isResourceMissing, toBillingError } from './errors';
import { idOf, subscriptionOfInvoice } from './invoice-subscription';
import { CHARGE_EVENTS, type RefundHolds } from './refunds';
import type { ReferralProgram } from './referrals';
import type { SubscriptionSync, SyncResult } from './subscription-sync';

/** The signature is missing, wrong, or too old: answer 400 and change nothing. */
export class WebhookSignatureError extends SignalcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unauthorized', message, options);
    this.name = 'WebhookSignatureError';
  }
}

/** A correctly signed body that is not a usable event (no id, type or data): 400, since a retry would not help. */
export class WebhookEventError extends WebhookSignatureError {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookEventError';
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
  /** Full refunds and disputes hold access (billing/refunds.ts); without it charge events are recorded and ignored. */
  refunds?: RefundHolds | undefined;
  clock: Clock;
  logger: Logger;
  /** How old a signature may be, and how far ahead of this clock, in seconds (Stripe's default: 300). */
  toleranceSeconds?: number;
}

/** The events that can change a subscription; every other type is recorded and ignored. */
export const SUBSCRIPTION_EVENTS = new Set(['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed']);
const isSubscriptionEvent = (type: string): boolean => SUBSCRIPTION_EVENTS.has(type) || type.startsWith('customer.subscription.');

export class StripeWebhook {
  constructor(private readonly deps: StripeWebhookDeps) {
    if (!deps.webhookSecret.startsWith('whsec_')) throw new SignalcastError('config_invalid', 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)');
  }

  /**
   * Checks `Stripe-Signature` against the raw body, with this service's clock: refused when older
   * than the tolerance (stripe-node's check) or dated further ahead than it (stripe-node accepts any
   * future time), and when the signed body is not an event with an id, a type and data.
   */
  verify(rawBody: Buffer, signature: string | string[] | undefined): Stripe.Event {
    const header = Array.isArray(signature) ? signature[0] : signature;
    if (!header) throw new WebhookSignatureError('missing Stripe-Signature header');
    const tolerance = this.deps.toleranceSeconds ?? 300;
    let event: Stripe.Event;
    try {
      event = this.deps.stripe.webhooks.constructEvent(rawBody, header, this.deps.webhookSecret, tolerance, undefined, this.deps.clock.now());
    } catch (err) {
      const message = err instanceof Stripe.errors.StripeSignatureVerificationError ? err.message : 'the body is not a Stripe event';
      throw new WebhookSignatureError(`bad Stripe signature: ${message}`, { cause: err });
    }
    const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(header)?.[1]);
    const aheadSeconds = signedAt - Math.floor(this.deps.clock.now() / 1000);
    if (!Number.isFinite(signedAt) || aheadSeconds > tolerance) {
      throw new WebhookSignatureError(`bad Stripe signature: the timestamp is ${aheadSeconds} s in the future (at most ${tolerance} s allowed)`);
    }
    checkEventShape(event);
    return event;
  }

  /**
   * Processes a verified event once. The event id is recorded after the change is saved: a crash
   * in between leaves it unrecorded, Stripe retries, and the retry fetches the same state again.
   * Throws when Stripe or the database fails, so the route answers 500 and Stripe retries.
   */
  async handle(event: Stripe.Event): Promise<WebhookResult> {
    const { events, logger } = this.deps;
    if (await events.hasEvent(event.id)) return { eventId: event.id, type: event.type, outcome: 'duplicate' };
    const outcome = isSubscriptionEvent(event.type) ? await this.apply(event)
      : CHARGE_EVENTS.has(event.type) && this.deps.refunds ? await this.deps.refunds.handle(event)
      : 'ignored';
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
        // 2025-03-31 and later name the subscription in invoice.parent, older versions in invoice.subscription.
        const subscriptionId = await subscriptionOfInvoice(this.deps.stripe, event.data.object);
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

/** A signed body must still be an event: an id, a type and an object in data (else 400: a retry cannot fix it). */
function checkEventShape(event: unknown): asserts event is Stripe.Event {
  const e = event as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null;
  const problems: string[] = [];
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new WebhookEventError('the signed body is not a Stripe event object');
  if (typeof e.id !== 'string' || e.id === '') problems.push('id');
  if (typeof e.type !== 'string' || e.type === '') problems.push('type');
  if (typeof e.data !== 'object' || e.data === null || typeof e.data.object !== 'object' || e.data.object === null) problems.push('data.object');
  if (problems.length > 0) throw new WebhookEventError(`the signed event has no ${problems.join(', ')}`);
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
