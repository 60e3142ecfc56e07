// Test harness for billing: the Stripe emulator on a FakeClock, the real stripe client, real SQLite, and the webhook served on loopback.
import Fastify, { type FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { Account, Subscription } from '../../core/accounts/types';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS, paidPlans, type PlansConfig } from '../../core/plans';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteReferralStore } from '../../db/stores/referral-store';
import { SqliteStripeEventStore } from '../../db/stores/stripe-event-store';
import { startStripeEmulator, type PlanPrice, type StripeEmulator, type StripeEmulatorOptions } from '../../sandbox/stripe';
import { recordingLogger } from '../../core/testing/logger';
import { createStripeClient } from '../client';
import { createBillingService, type BillingService } from '../index';
import type { SubscriptionChange } from '../subscription-sync';
import { STRIPE_WEBHOOK_PATH } from '../webhook-route';

export const START = Date.UTC(2026, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;
export const CARD_OK = '4242 4242 4242 4242';
export const CARD_DECLINED = '4000 0000 0000 0002';

/** The built-in plans with pro at 29.00 and no trial, vip with a 7-day trial. */
export const TEST_PLANS: PlansConfig = {
  graceDays: 3,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'pro' ? { ...p, priceCents: 2900, trialDays: 0 } : p.id === 'vip' ? { ...p, trialDays: 7 } : p)),
};

/** The paid plans as the emulator's prices. */
export function emulatorPrices(plans: PlansConfig): PlanPrice[] {
  return paidPlans(plans).map((p) => ({ planId: p.id, name: p.name, priceId: p.stripePriceId as string, amountCents: p.priceCents, currency: p.currency, interval: p.interval, trialDays: p.trialDays }));
}

export interface BillingHarness {
  clock: FakeClock;
  emu: StripeEmulator;
  stripe: Stripe;
  db: Db;
  plans: PlansConfig;
  accounts: SqliteAccountStore;
  events: SqliteStripeEventStore;
  referrals: SqliteReferralStore;
  audit: SqliteAuditLog;
  service: BillingService;
  app: FastifyInstance;
  /** The app's own URL (the return pages live here). */
  baseUrl: string;
  webhookUrl: string;
  logger: ReturnType<typeof recordingLogger>;
  /** Every onSubscriptionChanged call, in order. */
  changes: { accountId: string; change: SubscriptionChange }[];
  /** Every notify call, in order. */
  notices: { accountId: string; text: string }[];
  /** A new account with a Telegram identity. */
  newAccount(fields?: { referredBy?: string; referralCode?: string; displayName?: string }): Promise<Account>;
  checkout(account: Account, planId: string, referralCode?: string): Promise<{ url: string; sessionId: string }>;
  /** Submits the hosted checkout page as a browser would. */
  pay(url: string, card: string, extra?: Record<string, string>): Promise<Response>;
  /** Waits for every webhook the emulator has queued to be delivered and answered. */
  settle(): Promise<void>;
  /** The account's one Stripe subscription mirror, if any. */
  mirror(accountId: string): Promise<Subscription | undefined>;
  /** POSTs a body to the webhook with a signature of our choosing. */
  postWebhook(payload: string, signature: string | undefined): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Rows of a raw SQL query. */
  rows(sql: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  plans?: PlansConfig;
  maxNetworkRetries?: number;
  emulator?: Partial<StripeEmulatorOptions>;
  /** Makes onSubscriptionChanged throw, to prove a failing hook does not fail the webhook. */
  failingHook?: boolean;
}

let nextUser = 1000;

export async function startBillingHarness(options: HarnessOptions = {}): Promise<BillingHarness> {
  const plans = options.plans ?? TEST_PLANS;
  const clock = new FakeClock(START);
  const emu = await startStripeEmulator({
    clock,
    signatureClock: clock,
    plans: emulatorPrices(plans),
    ...options.emulator,
    webhooks: { retryDelaysMs: [], ...options.emulator?.webhooks },
  });
  const stripe = createStripeClient({ secretKey: emu.secretKey, apiBase: emu.url, maxNetworkRetries: options.maxNetworkRetries ?? 0 });
  const db = openMemoryDatabase();
  const accounts = new SqliteAccountStore({ db, clock });
  const events = new SqliteStripeEventStore({ db, clock });
  const referrals = new SqliteReferralStore({ db, clock });
  const audit = new SqliteAuditLog({ db, clock });
  const logger = recordingLogger();
  const changes: BillingHarness['changes'] = [];
  const notices: BillingHarness['notices'] = [];

  const app = Fastify();
  let baseUrl = 'http://127.0.0.1:1';
  const service = createBillingService({
    stripe,
    webhookSecret: emu.webhookSecret,
    accounts,
    events,
    referrals,
    audit,
    plans,
    clock,
    logger,
    publicUrl: () => baseUrl,
    onSubscriptionChanged: (accountId, change) => {
      changes.push({ accountId, change });
      if (options.failingHook) throw new Error('hook exploded');
    },
    notify: (accountId, text) => {
      notices.push({ accountId, text });
    },
  });
  service.registerRoutes(app);
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const webhookUrl = `${baseUrl}${STRIPE_WEBHOOK_PATH}`;
  emu.setWebhookUrl(webhookUrl);

  const harness: BillingHarness = {
    clock, emu, stripe, db, plans, accounts, events, referrals, audit, service, app, baseUrl, webhookUrl, logger, changes, notices,
    async newAccount(fields = {}) {
      const account = await accounts.createAccount(fields);
      await accounts.addIdentity(account.id, 'telegram', String(nextUser++));
      return account;
    },
    checkout(account, planId, referralCode) {
      return service.billing.createCheckoutLink({ accountId: account.id, planId, identity: { platform: 'telegram', platformUserId: `tg-${account.id}` }, referralCode });
    },
    pay(url, card, extra = {}) {
      const body = new URLSearchParams({ email: 'payer@example.com', card_number: card, ...extra }).toString();
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    },
    settle: () => emu.whenWebhooksDelivered(),
    async mirror(accountId) {
      return (await accounts.listSubscriptions(accountId)).find((s) => s.source === 'stripe');
    },
    async postWebhook(payload, signature) {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...(signature ? { 'stripe-signature': signature } : {}) }, body: payload });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    rows: (sql) => db.$client.prepare(sql).all() as Record<string, unknown>[],
    async stop() {
      await emu.stop();
      await app.close();
      db.$client.close();
    },
  };
  return harness;
}
