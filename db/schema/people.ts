// Accounts, the identities people use on each platform, their subscriptions, and the destinations that receive.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ChannelFilters } from '../../core/accounts/types';
import { createdAt } from './columns';

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  displayName: text('display_name'),
  stripeCustomerId: text('stripe_customer_id').unique(),
  referralCode: text('referral_code').unique(),
  referredBy: text('referred_by'),
  /** Symbols this account wants; null means all. */
  symbolFilter: text('symbol_filter', { mode: 'json' }).$type<string[]>(),
  /** Lowest band this account wants (A is highest); null means all. */
  minBand: text('min_band', { enum: ['A', 'B', 'C'] }),
  /** Sides this account wants; null means all. */
  sideFilter: text('side_filter', { mode: 'json' }).$type<('long' | 'short' | 'close')[]>(),
  directMessages: integer('direct_messages', { mode: 'boolean' }).notNull().default(true),
  /** Quiet hours as "HH:MM" in the account's time zone; both null means none. */
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  timeZone: text('time_zone').notNull().default('UTC'),
  /** Set by /stop: no direct messages until /resume. */
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

export const identities = sqliteTable('identities', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id),
  platform: text('platform').notNull(),
  platformUserId: text('platform_user_id').notNull(),
  username: text('username'),
  createdAt: createdAt(),
  /**
   * The tenant the user id is unique in (a Slack workspace), only where the platform's user ids are
   * per tenant; null where they are global (Telegram, Discord), even for a person met inside a guild.
   */
  tenant: text('tenant'),
}, (t) => [
  // A user id is unique per platform and tenant; a null tenant is one more (global) tenant. SQLite
  // takes NULLs as distinct, hence two partial unique indexes; the plain one serves lookups by user id.
  index('identities_platform_user_idx').on(t.platform, t.platformUserId),
  uniqueIndex('identities_global_user_idx').on(t.platform, t.platformUserId).where(sql`tenant IS NULL`),
  uniqueIndex('identities_tenant_user_idx').on(t.platform, t.tenant, t.platformUserId).where(sql`tenant IS NOT NULL`),
  index('identities_account_idx').on(t.accountId),
  // One identity per platform per account, so that two people on one platform never share a subscription.
  uniqueIndex('identities_account_platform_idx').on(t.accountId, t.platform),
]);

export const subscriptions = sqliteTable('subscriptions', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id),
  /** Null for grants made by an operator. */
  stripeSubscriptionId: text('stripe_subscription_id').unique(),
  planId: text('plan_id').notNull(),
  /** Stripe's status, as Stripe spells it (also 'active' for operator grants). */
  status: text('status').notNull(),
  currentPeriodEnd: integer('current_period_end', { mode: 'timestamp_ms' }),
  cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
  trialEnd: integer('trial_end', { mode: 'timestamp_ms' }),
  /** When the subscription entered past_due; the grace period counts from here. */
  pastDueSince: integer('past_due_since', { mode: 'timestamp_ms' }),
  source: text('source', { enum: ['stripe', 'grant'] }).notNull().default('stripe'),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  /** A local hold after a full refund or a dispute: no access whatever Stripe's status says; mirroring keeps it. */
  accessRevokedAt: integer('access_revoked_at', { mode: 'timestamp_ms' }),
  /** Why the hold was set, e.g. "charge.refunded ch_..." or "charge.dispute.created dp_...". */
  accessRevokedReason: text('access_revoked_reason'),
}, (t) => [index('subscriptions_account_idx').on(t.accountId)]);

export const destinations = sqliteTable('destinations', {
  /** The compact internal key deliveries point at (the rowid); `id` is the public one. */
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  platform: text('platform').notNull(),
  kind: text('kind', { enum: ['channel', 'direct'] }).notNull(),
  /** The Recipient, as JSON. */
  address: text('address', { mode: 'json' }).notNull(),
  recipientKey: text('recipient_key').notNull().unique(),
  /** Direct destinations belong to one identity and its account. */
  identityId: text('identity_id').references(() => identities.id),
  /** Direct destinations' account; on a channel, the account that owns it (it then follows that account's entitlement). */
  accountId: text('account_id').references(() => accounts.id),
  /** Channel destinations carry the plan whose content they get (unless an account owns them). */
  planId: text('plan_id'),
  contentKinds: text('content_kinds', { mode: 'json' }).$type<string[]>().notNull(),
  /** Group chats have their own, lower, rate limit. */
  isGroup: integer('is_group', { mode: 'boolean' }).notNull().default(false),
  label: text('label'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  disabledReason: text('disabled_reason'),
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  /** The Recipient's tenant (a Discord server, a Slack workspace), so that a tenant's destinations are one query; null where none. */
  tenant: text('tenant'),
  /** A channel's own filters (symbols, minimum band, sides), as an account's; null: none. */
  filters: text('filters', { mode: 'json' }).$type<ChannelFilters>(),
}, (t) => [
  index('destinations_account_idx').on(t.accountId),
  index('destinations_enabled_idx').on(t.enabled, t.kind),
  index('destinations_identity_idx').on(t.identityId),
  index('destinations_tenant_idx').on(t.platform, t.tenant).where(sql`tenant IS NOT NULL`),
]);

/** Credits given to referrers; one per referred account, so a replayed event pays once. */
export const referralCredits = sqliteTable('referral_credits', {
  id: text('id').primaryKey(),
  referrerAccountId: text('referrer_account_id').notNull().references(() => accounts.id),
  referredAccountId: text('referred_account_id').notNull().unique().references(() => accounts.id),
  amountCents: integer('amount_cents').notNull(),
  currency: text('currency').notNull(),
  stripeBalanceTransactionId: text('stripe_balance_transaction_id'),
  createdAt: createdAt(),
});

/** One-time codes that link a second platform identity to an existing account (/link). */
export const linkCodes = sqliteTable('link_codes', {
  code: text('code').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  usedAt: integer('used_at', { mode: 'timestamp_ms' }),
});

export type AccountRow = typeof accounts.$inferSelect;
export type IdentityRow = typeof identities.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type DestinationRow = typeof destinations.$inferSelect;
