// The bookkeeping the Stripe webhook and reconciliation keep beside the account store; db/stores/stripe-event-store.ts implements it.
import type { Subscription } from '../accounts/types';

/** How one Stripe event was handled, as recorded in stripe_events. */
export type StripeEventOutcome = 'applied' | 'unchanged' | 'ignored' | 'unknown_customer' | 'referral_failed';

/**
 * Processed Stripe events (so a replay changes nothing) and the lookups that tie Stripe objects to
 * accounts. Async so that a PostgreSQL store can implement it later.
 */
export interface StripeEventStore {
  /** True when this event id was already processed. */
  hasEvent(eventId: string): Promise<boolean>;
  /** Records a processed event; false when it was already recorded (a concurrent duplicate). */
  recordEvent(event: { id: string; type: string; outcome: StripeEventOutcome }): Promise<boolean>;
  /** The local mirror of a Stripe subscription, if there is one. */
  findSubscription(stripeSubscriptionId: string): Promise<Subscription | null>;
  /** Every local subscription mirrored from Stripe (operator grants excluded). */
  listStripeSubscriptions(): Promise<Subscription[]>;
  /**
   * Saves the account's Stripe customer when it has none. Returns the customer id the account has
   * afterwards (the earlier one when it already had one); a conflict when another account holds it.
   */
  linkCustomer(accountId: string, stripeCustomerId: string): Promise<string>;
}
