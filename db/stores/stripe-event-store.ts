// Processed Stripe events and the account/customer/subscription lookups billing needs, in SQLite: the StripeEventStore port.
import { and, eq, isNull } from 'drizzle-orm';
import type { Subscription } from '../../core/accounts/types';
import type { StripeEventOutcome, StripeEventStore } from '../../core/billing/store';
import type { Clock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import type { Db } from '../client';
import { accounts, stripeEvents, subscriptions } from '../schema';
import { toSubscription } from './account-store';

export class SqliteStripeEventStore implements StripeEventStore {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async hasEvent(eventId: string): Promise<boolean> {
    return this.deps.db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, eventId)).get() !== undefined;
  }

  async recordEvent(event: { id: string; type: string; outcome: StripeEventOutcome }): Promise<boolean> {
    const result = this.deps.db.insert(stripeEvents)
      .values({ id: event.id, type: event.type, outcome: event.outcome, receivedAt: new Date(this.deps.clock.now()) })
      .onConflictDoNothing().run();
    return result.changes === 1;
  }

  /** The recorded outcome of an event, for tests and support. */
  outcomeOf(eventId: string): string | null | undefined {
    return this.deps.db.select({ outcome: stripeEvents.outcome }).from(stripeEvents).where(eq(stripeEvents.id, eventId)).get()?.outcome;
  }

  async findSubscription(stripeSubscriptionId: string): Promise<Subscription | null> {
    const row = this.deps.db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId)).get();
    return row ? toSubscription(row) : null;
  }

  async listStripeSubscriptions(): Promise<Subscription[]> {
    return this.deps.db.select().from(subscriptions).where(eq(subscriptions.source, 'stripe')).orderBy(subscriptions.createdAt).all().map(toSubscription);
  }

  async linkCustomer(accountId: string, stripeCustomerId: string): Promise<string> {
    const { db } = this.deps;
    return db.transaction((tx) => {
      const account = tx.select({ customer: accounts.stripeCustomerId }).from(accounts).where(eq(accounts.id, accountId)).get();
      if (!account) throw new SignalcastError('not_found', `account ${accountId} not found`);
      if (account.customer !== null) return account.customer;
      const holder = tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.stripeCustomerId, stripeCustomerId)).get();
      if (holder) throw new SignalcastError('conflict', `Stripe customer ${stripeCustomerId} already belongs to account ${holder.id}`);
      tx.update(accounts).set({ stripeCustomerId }).where(and(eq(accounts.id, accountId), isNull(accounts.stripeCustomerId))).run();
      return stripeCustomerId;
    });
  }
}
