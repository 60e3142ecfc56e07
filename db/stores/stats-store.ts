// The operator's /stats figures from SQLite: the OperatorStats port.
import { count, gte, notExists, eq } from 'drizzle-orm';
import type { OperatorStats, StateCount, SubscriptionCount } from '../../core/stats';
import type { Db } from '../client';
import { accounts, deliveries, subscriptions } from '../schema';

export class SqliteOperatorStats implements OperatorStats {
  constructor(private readonly deps: { db: Db }) {}

  async subscriptionsByPlanAndStatus(): Promise<SubscriptionCount[]> {
    return this.deps.db
      .select({ planId: subscriptions.planId, status: subscriptions.status, source: subscriptions.source, count: count() })
      .from(subscriptions)
      .groupBy(subscriptions.planId, subscriptions.status, subscriptions.source)
      .orderBy(subscriptions.planId, subscriptions.status, subscriptions.source)
      .all();
  }

  async accountsWithoutSubscription(): Promise<number> {
    const { db } = this.deps;
    const row = db.select({ n: count() }).from(accounts)
      .where(notExists(db.select({ one: subscriptions.id }).from(subscriptions).where(eq(subscriptions.accountId, accounts.id))))
      .get();
    return row?.n ?? 0;
  }

  async deliveriesByStateSince(since: number): Promise<StateCount[]> {
    return this.deps.db
      .select({ state: deliveries.state, count: count() })
      .from(deliveries)
      .where(gte(deliveries.createdAt, since))
      .groupBy(deliveries.state)
      .orderBy(deliveries.state)
      .all();
  }
}
