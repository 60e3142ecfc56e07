// Saves a subscription change and what follows from it (audit, access job, messages) in one SQLite transaction.
import type { SubscriptionUpsert } from '../../core/accounts/ports';
import type { Subscription } from '../../core/accounts/types';
import type { Clock } from '../../core/clock';
import type { Db } from '../client';
import { holdSubscriptionRow, writeSubscription } from './account-store';

/** Billing's SubscriptionWriter on SQLite: an exception anywhere in `then` rolls the subscription change back too. */
export class SqliteSubscriptionWriter {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  save(next: SubscriptionUpsert, then: (after: Subscription) => void): Subscription {
    return this.deps.db.transaction(() => {
      const after = writeSubscription(this.deps.db, new Date(this.deps.clock.now()), next);
      then(after);
      return after;
    }, { behavior: 'immediate' });
  }

  hold(id: string, hold: { at: number; reason: string }, then: (after: Subscription) => void): Subscription | null {
    return this.deps.db.transaction(() => {
      const after = holdSubscriptionRow(this.deps.db, new Date(this.deps.clock.now()), id, hold);
      if (after) then(after);
      return after;
    }, { behavior: 'immediate' });
  }
}
