// Billing's public surface, and one factory that wires it for main.ts: checkout and portal, webhook, reconcile, pages.
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { AccountStore } from '../core/accounts/ports';
import type { AuditLog } from '../core/audit';
import type { ReferralStore } from '../core/billing/referrals';
import type { StripeEventStore } from '../core/billing/store';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { StripeBilling } from './checkout';
import { registerBillingPages } from './pages-route';
import { reconcileSubscriptions, type ReconcileOptions, type ReconcileReport } from './reconcile';
import { RefundHolds } from './refunds';
import { ReferralProgram, type Notify, type ReferralSettings } from './referrals';
import { SubscriptionSync, type OnSubscriptionChanged, type SubscriptionFollowUp, type SubscriptionWriter } from './subscription-sync';
import { StripeWebhook } from './webhook';
import { registerStripeWebhook } from './webhook-route';

export { createStripeClient, stripeEndpoint, type StripeClientSettings } from './client';
export { StripeBilling, type StripeBillingDeps } from './checkout';
export { BillingError, toBillingError } from './errors';
export { BILLING_PAGES, registerBillingPages } from './pages-route';
export { reconcileSubscriptions, type ReconcileChange, type ReconcileOptions, type ReconcileReport } from './reconcile';
export { CHARGE_EVENTS, RefundHolds, type RefundHoldsDeps } from './refunds';
export { subscriptionOfInvoice } from './invoice-subscription';
export { DEFAULT_REFERRAL_SETTINGS, ReferralProgram, type Notify, type ReferralSettings } from './referrals';
export { SubscriptionSync, type OnSubscriptionChanged, type SubscriptionChange, type SubscriptionFollowUp, type SubscriptionWriter, type SyncResult } from './subscription-sync';
export { toSubscriptionUpsert } from './subscription-mirror';
export { StripeWebhook, WebhookEventError, WebhookSignatureError, type WebhookResult } from './webhook';
export { registerStripeWebhook, STRIPE_WEBHOOK_PATH } from './webhook-route';

/** Everything billing needs, built once by main.ts. */
export interface BillingServiceDeps {
  stripe: Stripe;
  /** STRIPE_WEBHOOK_SECRET; without it no webhook route is registered (reconciliation still repairs). */
  webhookSecret: string | undefined;
  accounts: AccountStore;
  events: StripeEventStore;
  referrals: ReferralStore;
  audit: AuditLog;
  plans: PlansConfig;
  clock: Clock;
  logger: Logger;
  /** PUBLIC_URL, or (a function, as it is known once listening) the server's own URL in the sandbox. */
  publicUrl: string | (() => string);
  onSubscriptionChanged?: OnSubscriptionChanged | undefined;
  /** The transactional writer and follow-up (the access job): see SubscriptionSyncDeps. */
  writer?: SubscriptionWriter | undefined;
  followUp?: SubscriptionFollowUp | undefined;
  /** Tells an account something in its chat (the referral credit). */
  notify?: Notify | undefined;
  referral?: Partial<ReferralSettings>;
}

/** Everything billing offers, built on one Stripe client. */
export interface BillingService {
  billing: StripeBilling;
  sync: SubscriptionSync;
  program: ReferralProgram;
  webhook: StripeWebhook | undefined;
  /** Full refunds and disputes: the local hold on the subscription they paid for. */
  refunds: RefundHolds;
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>;
  /** The webhook (when a secret is set) and the return pages. */
  registerRoutes(app: FastifyInstance): void;
}

export function createBillingService(deps: BillingServiceDeps): BillingService {
  const logger = deps.logger;
  const sync = new SubscriptionSync({ ...deps, logger: logger.child({ component: 'billing-sync' }) });
  const program = new ReferralProgram({ ...deps, settings: deps.referral ?? {}, logger: logger.child({ component: 'referrals' }) });
  const billing = new StripeBilling({ ...deps, program, logger: logger.child({ component: 'checkout' }) });
  const refunds = new RefundHolds({ ...deps, logger: logger.child({ component: 'billing-refunds' }) });
  const webhook = deps.webhookSecret
    ? new StripeWebhook({ stripe: deps.stripe, webhookSecret: deps.webhookSecret, sync, events: deps.events, referrals: program, refunds, clock: deps.clock, logger: logger.child({ component: 'stripe-webhook' }) })
    : undefined;
  return {
    billing,
    sync,
    program,
    webhook,
    refunds,
    reconcile: (options = {}) => reconcileSubscriptions({ stripe: deps.stripe, sync, events: deps.events, logger: logger.child({ component: 'billing-reconcile' }) }, options),
    registerRoutes: (app) => {
      registerBillingPages(app, { stripe: deps.stripe, logger: logger.child({ component: 'billing-pages' }) });
      if (webhook) registerStripeWebhook(app, { webhook, logger: logger.child({ component: 'stripe-webhook' }) });
    },
  };
}
