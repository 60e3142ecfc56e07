// Drivers: the outside world acting on the emulated Stripe. A customer pays at checkout, and time
// passes until a renewal succeeds or fails, a trial ends or a period ends; each moves simulated time
// to the moment it happens and applies everything due on the way.
import type Stripe from 'stripe';
import { completeSession, type CheckoutPayment, type CheckoutResult } from './checkout';
import { periodEnd, processDue, retryPayment } from './lifecycle';
import type { PaymentOutcome, SubscriptionRecord } from './store';
import { snapshot, type StripeWorld } from './world';

/** A driver asked for something the subscription's state does not allow. */
export class DriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverError';
  }
}

export class StripeDrivers {
  constructor(private readonly world: StripeWorld) {}

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
    return this.nextPayment(subscriptionId, 'succeed');
  }

  /** The next payment fails: active becomes past_due; once retries run out, unpaid (or canceled, per the schedule). */
  renewalFails(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.nextPayment(subscriptionId, 'fail');
  }

  /** The trial ends; the first charge succeeds when `paid`. */
  async trialEnds(subscriptionId: string, options: { paid: boolean }): Promise<Stripe.Subscription> {
    const rec = this.record(subscriptionId);
    if (rec.sub.status !== 'trialing') throw new DriverError(`subscription ${subscriptionId} is ${rec.sub.status}, not trialing`);
    return this.at(rec, [options.paid ? 'succeed' : 'fail'], rec.sub.trial_end ?? periodEnd(rec.sub));
  }

  /** The current period ends: a subscription set to cancel at period end is canceled, any other renews. */
  async periodEnds(subscriptionId: string): Promise<Stripe.Subscription> {
    const rec = this.record(subscriptionId);
    return this.at(rec, [], periodEnd(rec.sub));
  }

  private record(id: string): SubscriptionRecord {
    processDue(this.world);
    const rec = this.world.store.subscriptions.get(id);
    if (!rec) throw new DriverError(`no subscription ${id}`);
    return rec;
  }

  private async nextPayment(subscriptionId: string, outcome: PaymentOutcome): Promise<Stripe.Subscription> {
    const rec = this.record(subscriptionId);
    const sub = rec.sub;
    switch (sub.status) {
      case 'trialing':
        return this.at(rec, [outcome], sub.trial_end ?? periodEnd(sub));
      case 'active':
        if (sub.cancel_at_period_end) throw new DriverError(`subscription ${subscriptionId} cancels at period end; use periodEnds()`);
        return this.at(rec, [outcome], periodEnd(sub));
      case 'past_due': {
        const invoice = sub.latest_invoice ? this.world.store.invoices.get(sub.latest_invoice as string) : undefined;
        const retryAt = invoice?.next_payment_attempt;
        if (retryAt === null || retryAt === undefined) return this.now(rec, outcome);
        return this.at(rec, [outcome], retryAt);
      }
      case 'incomplete':
      case 'unpaid':
        return this.now(rec, outcome);
      default:
        throw new DriverError(`subscription ${subscriptionId} is ${sub.status}: no payment is due`);
    }
  }

  private now(rec: SubscriptionRecord, outcome: PaymentOutcome): Stripe.Subscription {
    rec.forced = [outcome];
    try {
      this.world.run(() => retryPayment(this.world, rec));
    } finally {
      rec.forced = [];
    }
    return snapshot(rec.sub);
  }

  private async at(rec: SubscriptionRecord, outcomes: PaymentOutcome[], atSec: number): Promise<Stripe.Subscription> {
    rec.forced = outcomes;
    try {
      const waitMs = atSec * 1000 - this.world.clock.nowMs();
      await this.world.clock.advance(waitMs);
      processDue(this.world);
    } finally {
      rec.forced = [];
    }
    return snapshot(rec.sub);
  }
}
