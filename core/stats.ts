// The figures an operator asks for in chat (/stats); db/stores/stats-store.ts reads them from SQLite.

export interface SubscriptionCount {
  planId: string;
  /** Stripe's status, or 'active' for grants. */
  status: string;
  source: 'stripe' | 'grant';
  count: number;
}

export interface StateCount {
  state: string;
  count: number;
}

export interface OperatorStats {
  /** Subscriptions grouped by plan, status and source. */
  subscriptionsByPlanAndStatus(): Promise<SubscriptionCount[]>;
  /** Accounts with no subscription at all (they have the free plan). */
  accountsWithoutSubscription(): Promise<number>;
  /** Deliveries created at or after `since` (ms), by state. */
  deliveriesByStateSince(since: number): Promise<StateCount[]>;
}
