// Brings one local subscription in line with Stripe: fetch the current object, find the account, then upsert, audit and queue what follows in one transaction.
import type Stripe from 'stripe';
import type { AccountStore, SubscriptionUpsert } from '../core/accounts/ports';
import type { Account, Subscription } from '../core/accounts/types';
import type { AuditLog } from '../core/audit';
import type { StripeEventStore } from '../core/billing/store';
import type { Clock } from '../core/clock';
import { SignalcastError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { isResourceMissing, toBillingError } from './errors';
import { KeyedLock } from './keyed-lock';
import { changedFields, toSubscriptionUpsert, type MirroredField } from './subscription-mirror';

/** A subscription's mirror before and after a change (before is null for a new one). */
export interface SubscriptionChange {
  before: Subscription | null;
  after: Subscription;
}

/** Called after each change is saved: the access reconciler and the welcome and lapse messages hang on it. */
export type OnSubscriptionChanged = (accountId: string, change: SubscriptionChange) => Promise<void> | void;

/**
 * Called inside the transaction that saves the change, synchronously: what it writes (the access job,
 * the welcome or lapse message) commits with the change or not at all. It must not call anything outside.
 */
export type SubscriptionFollowUp = (accountId: string, change: SubscriptionChange) => void;

/** Saves a subscription and, in the same database transaction, whatever `then` writes; returns the saved row. */
export interface SubscriptionWriter {
  save(next: SubscriptionUpsert, then: (after: Subscription) => void): Subscription;
  /** Holds the subscription's access (a refund, a dispute) and runs `then` in the same transaction; null when unknown or already held. */
  hold(id: string, hold: { at: number; reason: string }, then: (after: Subscription) => void): Subscription | null;
}

export type SyncResult =
  | { outcome: 'applied'; accountId: string; change: SubscriptionChange; fields: MirroredField[] }
  | { outcome: 'unchanged'; accountId: string; subscription: Subscription }
  /** Stripe's subscription belongs to no account we know (no metadata, customer unknown). */
  | { outcome: 'unknown_customer'; stripeSubscriptionId: string; customerId: string }
  /** Stripe has no such subscription. */
  | { outcome: 'missing'; stripeSubscriptionId: string };

/** Why a sync happens, for the audit trail. */
export interface SyncCause {
  /** 'stripe' for a webhook, 'system' for reconciliation, 'cli' for a command. */
  actor: string;
  reason: string;
  eventId?: string | undefined;
  /** The account the caller already knows (a Checkout Session's client_reference_id). */
  accountId?: string | null | undefined;
}

/** What mirroring needs: Stripe to fetch from, the stores to write, the audit trail and the hook. */
export interface SubscriptionSyncDeps {
  stripe: Stripe;
  accounts: AccountStore;
  events: StripeEventStore;
  plans: PlansConfig;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Saves the change with its audit event and follow-up in one transaction; without it they are written one after another. */
  writer?: SubscriptionWriter | undefined;
  /** Written in the change's transaction (needs `writer`): the durable access job and messages. */
  followUp?: SubscriptionFollowUp | undefined;
  /** Called after the change is committed (kept for callers without a follow-up). */
  onSubscriptionChanged?: OnSubscriptionChanged | undefined;
}

const customerId = (sub: Stripe.Subscription): string => (typeof sub.customer === 'string' ? sub.customer : sub.customer.id);

export class SubscriptionSync {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: SubscriptionSyncDeps) {}

  /** Fetches the subscription from Stripe (never trusting a payload) and mirrors it; one at a time per subscription. */
  syncById(stripeSubscriptionId: string, cause: SyncCause): Promise<SyncResult> {
    return this.lock.run(stripeSubscriptionId, async () => {
      let sub: Stripe.Subscription;
      try {
        sub = await this.deps.stripe.subscriptions.retrieve(stripeSubscriptionId);
      } catch (err) {
        if (isResourceMissing(err)) return { outcome: 'missing', stripeSubscriptionId };
        throw toBillingError(err, `fetching subscription ${stripeSubscriptionId}`);
      }
      return this.apply(sub, cause);
    });
  }

  /** What mirroring `sub` would change, without changing anything (reconcile --dry-run). */
  async preview(sub: Stripe.Subscription, cause: Pick<SyncCause, 'accountId'> = {}): Promise<{ account: Account | null; before: Subscription | null; fields: MirroredField[]; next: ReturnType<typeof toSubscriptionUpsert> | null }> {
    const before = await this.deps.events.findSubscription(sub.id);
    const account = await this.resolveAccount(sub, before, cause.accountId);
    if (!account) return { account: null, before, fields: [], next: null };
    const next = toSubscriptionUpsert(sub, { accountId: account.id, plans: this.deps.plans, before, now: this.deps.clock.now() });
    return { account, before, fields: changedFields(before, next), next };
  }

  private async apply(sub: Stripe.Subscription, cause: SyncCause): Promise<SyncResult> {
    const { account, before, fields, next } = await this.preview(sub, cause);
    if (!account || !next) return { outcome: 'unknown_customer', stripeSubscriptionId: sub.id, customerId: customerId(sub) };
    await this.linkCustomer(account, customerId(sub));
    if (fields.length === 0 && before) return { outcome: 'unchanged', accountId: account.id, subscription: before };

    const record = (after: Subscription): void => this.deps.audit.record({
      actor: cause.actor,
      action: before ? 'subscription.changed' : 'subscription.created',
      subjectType: 'account',
      subjectId: account.id,
      reason: cause.reason,
      data: {
        stripeSubscriptionId: sub.id,
        planId: after.planId,
        before: before?.status ?? null,
        after: after.status,
        fields,
        ...(cause.eventId ? { eventId: cause.eventId } : {}),
      },
    });
    const { writer, followUp } = this.deps;
    let after: Subscription;
    if (writer) {
      // One transaction: the mirror, its audit event and the access job (with the welcome or lapse message).
      // Nothing outside is called here, so a webhook answers once this commits, whatever the platforms do.
      after = writer.save(next, (saved) => {
        record(saved);
        followUp?.(account.id, { before, after: saved });
      });
    } else {
      after = await this.deps.accounts.upsertSubscription(next);
      record(after);
    }
    const change = { before, after };
    await this.notify(account.id, change, cause);
    return { outcome: 'applied', accountId: account.id, change, fields };
  }

  /** The caller's account, else the one already mirrored, else our checkout metadata, else the Stripe customer's. */
  private async resolveAccount(sub: Stripe.Subscription, before: Subscription | null, hinted: string | null | undefined): Promise<Account | null> {
    const { accounts } = this.deps;
    for (const id of [hinted, before?.accountId, sub.metadata?.accountId]) {
      if (!id) continue;
      const account = await accounts.getAccount(id);
      if (account) return account;
    }
    return accounts.findAccountByStripeCustomer(customerId(sub));
  }

  /** The customer Checkout created is saved on the account, so the portal and later checkouts use it. */
  private async linkCustomer(account: Account, stripeCustomerId: string): Promise<void> {
    if (account.stripeCustomerId === stripeCustomerId) return;
    try {
      const linked = await this.deps.events.linkCustomer(account.id, stripeCustomerId);
      if (linked !== stripeCustomerId) {
        this.deps.logger.warn({ accountId: account.id, stripeCustomerId, kept: linked }, 'subscription belongs to another Stripe customer than the account\'s; the account keeps its customer');
      }
    } catch (err) {
      if (!(err instanceof SignalcastError && err.code === 'conflict')) throw err;
      this.deps.logger.warn({ accountId: account.id, stripeCustomerId, err: err.message }, 'Stripe customer already linked to another account; not moved');
    }
  }

  private async notify(accountId: string, change: SubscriptionChange, cause: SyncCause): Promise<void> {
    if (!this.deps.onSubscriptionChanged) return;
    try {
      await this.deps.onSubscriptionChanged(accountId, change);
    } catch (err) {
      // The change is saved; the access reconciler's next pass repairs what this hook missed.
      this.deps.logger.error({ err, accountId, stripeSubscriptionId: change.after.stripeSubscriptionId, eventId: cause.eventId }, 'onSubscriptionChanged hook failed');
    }
  }
}
