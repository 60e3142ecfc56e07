// Refunds and disputes: a full refund or a new dispute holds the subscription it paid for (no access, whatever
// Stripe's status says) and tells the access hook; a dispute closed in the operator's favour restores nothing.
import type Stripe from 'stripe';
import type { AccountStore } from '../core/accounts/ports';
import type { Subscription } from '../core/accounts/types';
import type { AuditLog } from '../core/audit';
import type { StripeEventOutcome, StripeEventStore } from '../core/billing/store';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isResourceMissing, toBillingError } from './errors';
import { idOf, subscriptionOfInvoice } from './invoice-subscription';
import type { OnSubscriptionChanged, SubscriptionFollowUp, SubscriptionWriter } from './subscription-sync';

/** The charge events this module handles; the webhook sends them here. */
export const CHARGE_EVENTS = new Set(['charge.refunded', 'charge.dispute.created', 'charge.dispute.closed']);

/** What holding needs: Stripe to follow the charge to its subscription, the stores, the audit trail and the access hook. */
export interface RefundHoldsDeps {
  stripe: Stripe;
  accounts: AccountStore;
  events: StripeEventStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  onSubscriptionChanged?: OnSubscriptionChanged | undefined;
  /** The transactional writer and follow-up (the access job): the hold and its job commit together. */
  writer?: SubscriptionWriter | undefined;
  followUp?: SubscriptionFollowUp | undefined;
}

/** The Stripe ids one hold is about, for the audit trail. */
interface ChargeIds {
  eventId: string;
  chargeId: string;
  invoiceId: string | null;
  disputeId?: string | undefined;
}

/** Subscriptions that cannot lose access any more: nothing to hold. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

export class RefundHolds {
  constructor(private readonly deps: RefundHoldsDeps) {}

  /** Handles charge.refunded, charge.dispute.created and charge.dispute.closed; throws when Stripe fails (so Stripe retries). */
  async handle(event: Stripe.Event): Promise<StripeEventOutcome> {
    switch (event.type) {
      case 'charge.refunded': {
        const charge = await this.charge(event.data.object.id);
        if (!charge) return 'ignored';
        // A partial refund (a goodwill credit) leaves access alone; only the whole payment returned removes it.
        if (!(charge.refunded || charge.amount_refunded >= charge.amount)) {
          this.deps.logger.info({ eventId: event.id, chargeId: charge.id, amount: charge.amount, refunded: charge.amount_refunded }, 'partial refund: access unchanged');
          return 'ignored';
        }
        return this.hold(event, charge, invoiceHint(event.data.object), undefined, `full refund of charge ${charge.id}`);
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        const charge = await this.charge(idOf(dispute.charge));
        if (!charge) return 'ignored';
        return this.hold(event, charge, null, dispute.id, `dispute ${dispute.id} opened on charge ${charge.id} (${dispute.reason})`);
      }
      case 'charge.dispute.closed':
        return this.disputeClosed(event, event.data.object);
      default:
        return 'ignored';
    }
  }

  /** Audits the outcome; the hold stays whatever it is: the operator decides, with /grant. */
  private async disputeClosed(event: Stripe.Event, dispute: Stripe.Dispute): Promise<StripeEventOutcome> {
    const charge = await this.charge(idOf(dispute.charge));
    if (!charge) return 'ignored';
    const { subscriptions, invoiceId } = await this.subscriptionsOf(charge, null);
    const accountId = subscriptions[0]?.accountId;
    if (!accountId) return 'unknown_customer';
    this.deps.audit.record({
      actor: 'stripe',
      action: 'subscription.dispute_closed',
      subjectType: 'account',
      subjectId: accountId,
      reason: `dispute ${dispute.id} closed: ${dispute.status}; access is not restored by itself (an operator decides, with /grant)`,
      data: { eventId: event.id, disputeId: dispute.id, status: dispute.status, chargeId: charge.id, invoiceId, stripeSubscriptionIds: subscriptions.map((s) => s.stripeSubscriptionId) },
    });
    this.deps.logger.warn({ eventId: event.id, disputeId: dispute.id, status: dispute.status, accountId }, 'dispute closed: access stays held until an operator decides');
    return 'unchanged';
  }

  private async hold(event: Stripe.Event, charge: Stripe.Charge, hintedInvoice: string | null, disputeId: string | undefined, why: string): Promise<StripeEventOutcome> {
    const { subscriptions, invoiceId } = await this.subscriptionsOf(charge, hintedInvoice);
    const ids: ChargeIds = { eventId: event.id, chargeId: charge.id, invoiceId, disputeId };
    if (subscriptions.length === 0) {
      this.deps.logger.warn({ ...ids, customer: idOf(charge.customer) }, 'refund or dispute for a payment no local subscription matches: nothing to hold');
      return 'unknown_customer';
    }
    let held = 0;
    for (const before of subscriptions) {
      if (before.accessRevokedAt) continue;
      const hold = { at: this.deps.clock.now(), reason: `${event.type} ${disputeId ?? charge.id}` };
      const record = () => this.deps.audit.record({
        actor: 'stripe',
        action: 'subscription.access_revoked',
        subjectType: 'account',
        subjectId: before.accountId,
        reason: `Stripe event ${event.type}: ${why}`,
        data: { ...ids, stripeSubscriptionId: before.stripeSubscriptionId, subscriptionId: before.id, planId: before.planId, status: before.status, amount: charge.amount, amountRefunded: charge.amount_refunded },
      });
      const { writer, followUp } = this.deps;
      if (writer) {
        // One transaction: the hold, its audit event and the access job that removes the access.
        const after = writer.hold(before.id, hold, (saved) => {
          record();
          followUp?.(before.accountId, { before, after: saved });
        });
        if (!after) continue;
        held += 1;
        await this.notify(before.accountId, before, after, event.id);
        continue;
      }
      const after = await this.deps.accounts.holdSubscription(before.id, hold);
      if (!after) continue;
      held += 1;
      record();
      await this.notify(before.accountId, before, after, event.id);
    }
    return held > 0 ? 'applied' : 'unchanged';
  }

  /**
   * The local subscriptions a charge paid for: its invoice (named by an older API version's payload,
   * else found through the invoice payment) leads to the subscription; without one, every live
   * Stripe subscription of the customer's account.
   */
  private async subscriptionsOf(charge: Stripe.Charge, hintedInvoice: string | null): Promise<{ subscriptions: Subscription[]; invoiceId: string | null }> {
    const invoiceId = hintedInvoice ?? (await this.invoiceOfPayment(idOf(charge.payment_intent)));
    const stripeSubscriptionId = invoiceId ? await subscriptionOfInvoice(this.deps.stripe, { id: invoiceId }) : null;
    const mirrored = stripeSubscriptionId ? await this.deps.events.findSubscription(stripeSubscriptionId) : null;
    if (mirrored) return { subscriptions: [mirrored], invoiceId };
    const customerId = idOf(charge.customer as string | { id: string } | null);
    const account = customerId ? await this.deps.accounts.findAccountByStripeCustomer(customerId) : null;
    if (!account) return { subscriptions: [], invoiceId };
    const live = (await this.deps.accounts.listSubscriptions(account.id)).filter((s) => s.source === 'stripe' && !ENDED.has(s.status));
    return { subscriptions: live, invoiceId };
  }

  private async invoiceOfPayment(paymentIntent: string | null): Promise<string | null> {
    if (!paymentIntent) return null;
    try {
      const payments = await this.deps.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntent }, limit: 1 });
      return idOf(payments.data[0]?.invoice as string | { id: string } | undefined);
    } catch (err) {
      if (isResourceMissing(err)) return null;
      throw toBillingError(err, `finding the invoice paid by ${paymentIntent}`);
    }
  }

  /** The charge as Stripe has it now (never trusting a payload's amounts); null when Stripe has no such charge. */
  private async charge(id: string | null): Promise<Stripe.Charge | null> {
    if (!id) return null;
    try {
      return await this.deps.stripe.charges.retrieve(id);
    } catch (err) {
      if (isResourceMissing(err)) return null;
      throw toBillingError(err, `fetching charge ${id}`);
    }
  }

  private async notify(accountId: string, before: Subscription, after: Subscription, eventId: string): Promise<void> {
    if (!this.deps.onSubscriptionChanged) return;
    try {
      await this.deps.onSubscriptionChanged(accountId, { before, after });
    } catch (err) {
      // The hold is saved; the access reconciler's next pass removes what this hook missed.
      this.deps.logger.error({ err, accountId, stripeSubscriptionId: after.stripeSubscriptionId, eventId }, 'onSubscriptionChanged hook failed');
    }
  }
}

/** The invoice an older API version's charge payload names (from 2025-03-31 a charge has no `invoice`). */
function invoiceHint(charge: Stripe.Charge): string | null {
  return idOf((charge as { invoice?: string | { id: string } | null }).invoice);
}
