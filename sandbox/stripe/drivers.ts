// Drivers: the outside world acting on the emulated Stripe. A customer pays at checkout, and time
// passes until a renewal succeeds or fails, a trial ends or a period ends; each moves simulated time
// to the moment it happens and applies everything due on the way. A payment is refunded or disputed.
import type Stripe from 'stripe';
import { closeDispute, latestCharge, openDispute, refundCharge } from './charges';
import { completeSession, type CheckoutPayment, type CheckoutResult } from './checkout';
import { periodEnd, processDue, retryPayment, setCancelAtPeriodEnd } from './lifecycle';
import type { PaymentOutcome, SubscriptionRecord } from './store';
import { snapshot, type StripeWorld } from './world';

/** A driver asked for something the subscription's state does not allow. */
export class DriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverError';
  }
}

/** The time drivers done at once: simulated time jumps (like a Stripe test clock advance) and the change is applied before they return. */
export interface InstantDrivers {
  renewalSucceeds(subscriptionId: string): Stripe.Subscription;
  renewalFails(subscriptionId: string): Stripe.Subscription;
  trialEnds(subscriptionId: string, options: { paid: boolean }): Stripe.Subscription;
  periodEnds(subscriptionId: string): Stripe.Subscription;
  /** The customer cancels at period end (as in the portal): customer.subscription.updated. */
  cancelAtPeriodEnd(subscriptionId: string): Stripe.Subscription;
}

/** When a driver's payment happens: at a moment in simulated time, or now. */
type Moment = { outcomes: PaymentOutcome[]; atSec: number } | { outcome: PaymentOutcome; now: true };

export class StripeDrivers {
  /** The time drivers, applied at once (the console's buttons use these). */
  readonly instant: InstantDrivers;

  constructor(private readonly world: StripeWorld) {
    const jump = (id: string, moment: (rec: SubscriptionRecord) => Moment) => {
      const rec = this.record(id);
      return this.apply(rec, moment(rec), (ms) => this.world.clock.jump(ms));
    };
    this.instant = {
      renewalSucceeds: (id) => jump(id, (rec) => this.nextPayment(rec, 'succeed')),
      renewalFails: (id) => jump(id, (rec) => this.nextPayment(rec, 'fail')),
      trialEnds: (id, options) => jump(id, (rec) => this.trialEnd(rec, options)),
      periodEnds: (id) => jump(id, (rec) => ({ outcomes: [], atSec: periodEnd(rec.sub) })),
      cancelAtPeriodEnd: (id) => {
        const rec = this.record(id);
        if (rec.sub.status === 'canceled' || rec.sub.status === 'incomplete_expired') throw new DriverError(`subscription ${id} has ended already`);
        this.world.run(() => setCancelAtPeriodEnd(this.world, rec, true));
        return snapshot(rec.sub);
      },
    };
  }

  /** Pays a Checkout Session as the hosted page would (card "4242 4242 4242 4242" succeeds). */
  completeCheckout(sessionId: string, payment: CheckoutPayment): CheckoutResult {
    processDue(this.world);
    const result = this.world.run(() => completeSession(this.world, sessionId, payment));
    return result.ok ? { ...result, session: snapshot(result.session), subscription: snapshot(result.subscription), customer: snapshot(result.customer) } : result;
  }

  /** Lets simulated time pass, applying renewals, retries, trial ends and expiries that fall due. */
  async advanceTime(ms: number): Promise<void> {
    await this.world.clock.advance(ms);
    processDue(this.world);
  }

  /** Applies whatever is already due (after a shared FakeClock was moved directly). */
  tick(): void {
    processDue(this.world);
  }

  /** The next payment for the subscription succeeds: at its renewal, trial end or scheduled retry (or now, if unpaid or incomplete). */
  renewalSucceeds(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.later(subscriptionId, (rec) => this.nextPayment(rec, 'succeed'));
  }

  /** The next payment fails: active becomes past_due; once retries run out, unpaid (or canceled, per the schedule). */
  renewalFails(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.later(subscriptionId, (rec) => this.nextPayment(rec, 'fail'));
  }

  /** The trial ends; the first charge succeeds when `paid`. */
  trialEnds(subscriptionId: string, options: { paid: boolean }): Promise<Stripe.Subscription> {
    return this.later(subscriptionId, (rec) => this.trialEnd(rec, options));
  }

  /** The current period ends: a subscription set to cancel at period end is canceled, any other renews. */
  periodEnds(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.later(subscriptionId, (rec) => ({ outcomes: [], atSec: periodEnd(rec.sub) }));
  }

  /** Refunds the subscription's latest payment, in full or `amount` of it: charge.refunded. The subscription itself stays as it is, as in Stripe. */
  refund(subscriptionId: string, options: { amount?: number } = {}): Stripe.Charge {
    const charge = this.chargeOf(subscriptionId);
    this.world.run(() => refundCharge(this.world, charge, options.amount));
    return snapshot(charge.charge);
  }

  /** The customer's bank disputes the subscription's latest payment: charge.dispute.created. */
  dispute(subscriptionId: string, reason?: string): Stripe.Dispute {
    const charge = this.chargeOf(subscriptionId);
    return snapshot(this.world.run(() => openDispute(this.world, charge, reason)));
  }

  /** The bank closes a dispute, for the merchant (won) or the customer (lost): charge.dispute.closed. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute {
    const dispute = this.world.store.disputes.get(disputeId);
    if (!dispute) throw new DriverError(`no dispute ${disputeId}`);
    if (dispute.status === 'won' || dispute.status === 'lost') throw new DriverError(`dispute ${disputeId} is already ${dispute.status}`);
    return snapshot(this.world.run(() => closeDispute(this.world, dispute, outcome)));
  }

  private chargeOf(subscriptionId: string): NonNullable<ReturnType<typeof latestCharge>> {
    this.record(subscriptionId);
    const charge = latestCharge(this.world, subscriptionId);
    if (!charge) throw new DriverError(`subscription ${subscriptionId} has no payment to refund or dispute yet`);
    return charge;
  }

  private record(id: string): SubscriptionRecord {
    processDue(this.world);
    const rec = this.world.store.subscriptions.get(id);
    if (!rec) throw new DriverError(`no subscription ${id}`);
    return rec;
  }

  private trialEnd(rec: SubscriptionRecord, options: { paid: boolean }): Moment {
    if (rec.sub.status !== 'trialing') throw new DriverError(`subscription ${rec.sub.id} is ${rec.sub.status}, not trialing`);
    return { outcomes: [options.paid ? 'succeed' : 'fail'], atSec: rec.sub.trial_end ?? periodEnd(rec.sub) };
  }

  private nextPayment(rec: SubscriptionRecord, outcome: PaymentOutcome): Moment {
    const sub = rec.sub;
    switch (sub.status) {
      case 'trialing':
        return { outcomes: [outcome], atSec: sub.trial_end ?? periodEnd(sub) };
      case 'active':
        if (sub.cancel_at_period_end) throw new DriverError(`subscription ${sub.id} cancels at period end; use periodEnds()`);
        return { outcomes: [outcome], atSec: periodEnd(sub) };
      case 'past_due': {
        const invoice = sub.latest_invoice ? this.world.store.invoices.get(sub.latest_invoice as string) : undefined;
        const retryAt = invoice?.next_payment_attempt;
        if (retryAt === null || retryAt === undefined) return { outcome, now: true };
        return { outcomes: [outcome], atSec: retryAt };
      }
      case 'incomplete':
      case 'unpaid':
        return { outcome, now: true };
      default:
        throw new DriverError(`subscription ${sub.id} is ${sub.status}: no payment is due`);
    }
  }

  private async later(subscriptionId: string, moment: (rec: SubscriptionRecord) => Moment): Promise<Stripe.Subscription> {
    const rec = this.record(subscriptionId);
    const when = moment(rec);
    if ('now' in when) return this.apply(rec, when, () => undefined);
    rec.forced = when.outcomes;
    try {
      await this.world.clock.advance(when.atSec * 1000 - this.world.clock.nowMs());
      processDue(this.world);
    } finally {
      rec.forced = [];
    }
    return snapshot(rec.sub);
  }

  /** Applies a moment with time moved synchronously by `move`. */
  private apply(rec: SubscriptionRecord, when: Moment, move: (ms: number) => void): Stripe.Subscription {
    rec.forced = 'now' in when ? [when.outcome] : when.outcomes;
    try {
      if ('now' in when) this.world.run(() => retryPayment(this.world, rec));
      else {
        move(when.atSec * 1000 - this.world.clock.nowMs());
        processDue(this.world);
      }
    } finally {
      rec.forced = [];
    }
    return snapshot(rec.sub);
  }
}
