// The database schema (drizzle-orm, SQLite). Times are integer milliseconds since the epoch.
import { sql } from 'drizzle-orm';
import { blob, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ChannelFilters } from '../core/accounts/types';
import { CONTENT_KINDS } from '../core/types';

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const signals = sqliteTable('signals', {
  /** The compact internal key deliveries point at (the rowid); `id` is the public one. */
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  publisherId: text('publisher_id').notNull().unique(),
  symbol: text('symbol').notNull(),
  market: text('market').notNull(),
  side: text('side', { enum: ['long', 'short', 'close'] }).notNull(),
  conviction: real('conviction').notNull(),
  band: text('band', { enum: ['A', 'B', 'C'] }).notNull(),
  persona: text('persona'),
  reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
  entry: real('entry'),
  stop: real('stop'),
  targets: text('targets', { mode: 'json' }).$type<number[]>(),
  horizon: text('horizon'),
  /** The API key (or "cli", "chat:<identity>") that published it. */
  publishedBy: text('published_by'),
  /** The rationale as plain text, once written; null until then. */
  rationaleText: text('rationale_text'),
  /** The model that wrote it; null for the template. */
  rationaleModel: text('rationale_model'),
  rationaleLatencyMs: integer('rationale_latency_ms'),
  rationaleAt: integer('rationale_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  /**
   * 'wanted': rationale deliveries wait ('waiting' rows) for it to be written; 'written': done (see
   * rationaleSource); null: none was asked for (no recipient's plan has rationales).
   */
  rationaleState: text('rationale_state', { enum: ['wanted', 'written'] }),
  /** The structured rationale (RationaleBody), as JSON. */
  rationaleJson: text('rationale_json', { mode: 'json' }).$type<{ summary: string; drivers: string[]; risks: string[] }>(),
  /** 'model': the model's answer, checked; 'template': built from the reasons (rationaleReason says why). */
  rationaleSource: text('rationale_source', { enum: ['model', 'template'] }),
  /** Why the template was used: no_model, timeout, rate_limited, unavailable, unparsable, empty, contradiction, error. */
  rationaleReason: text('rationale_reason'),
  rationalePromptTokens: integer('rationale_prompt_tokens'),
  rationaleCompletionTokens: integer('rationale_completion_tokens'),
  /** The publisher's maximum alert age for this signal (minutes from due time); null: the plans' own. */
  maxAlertAgeMinutes: integer('max_alert_age_minutes'),
}, (t) => [index('signals_created_at_idx').on(t.createdAt)]);

/**
 * A signal's planning, chunk by chunk after the 202 (core/publishing): resumable from \`cursor\` (the last
 * destination ref planned) after a crash. 'planning' until every candidate is planned, then 'done';
 * 'cancelled' when a stop or close came first (the rest is never planned).
 */
export const planningJobs = sqliteTable('planning_jobs', {
  signalRef: integer('signal_ref').primaryKey(),
  state: text('state', { enum: ['planning', 'done', 'cancelled'] }).notNull(),
  cursor: integer('cursor').notNull().default(0),
  /** Candidate destinations when published (what the 202 reported). */
  candidates: integer('candidates').notNull(),
  planned: integer('planned').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  /** Why candidates got nothing, by reason, summed over the chunks (JSON object). */
  excluded: text('excluded', { mode: 'json' }).$type<Record<string, number>>(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('planning_jobs_state_idx').on(t.state)]);

export const signalUpdates = sqliteTable('signal_updates', {
  id: text('id').primaryKey(),
  signalId: text('signal_id').notNull().references(() => signals.id),
  publisherUpdateId: text('publisher_update_id').unique(),
  kind: text('kind', { enum: ['target_hit', 'stopped', 'closed'] }).notNull(),
  targetIndex: integer('target_index'),
  price: real('price'),
  resultPct: real('result_pct'),
  note: text('note'),
  createdAt: createdAt(),
  /**
   * The compact key update deliveries point at (content_type 'update'): max + 1 at insert, in the
   * publishing transaction. Null on updates recorded before updates were delivered (none are owed).
   */
  ref: integer('ref').unique(),
}, (t) => [index('signal_updates_signal_idx').on(t.signalId)]);

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

/**
 * 'held': an alert kept for the quiet-hours digest (never claimed; settled with its digest row). 'expired': not sent
 * within its maximum age (expires_at). 'superseded': its signal was stopped or closed before it went.
 */
export const DELIVERY_STATES = ['waiting', 'pending', 'held', 'sending', 'sent', 'dead', 'skipped', 'expired', 'superseded'] as const;

export const deliveries = sqliteTable('deliveries', {
  // No AUTOINCREMENT: pruning (schedules/prune.ts) never deletes the newest row, so an id is never reused, and each insert saves a sqlite_sequence write.
  id: integer('id').primaryKey(),
  /** 'signal', 'update', 'snapshot' or 'notice'; with contentRef it names what is delivered. */
  contentType: text('content_type').notNull(),
  /**
   * The integer key of the content in contentType's table: signals.ref for 'signal'. No foreign key:
   * it names a row of another table for each content type.
   */
  contentRef: integer('content_ref').notNull(),
  kind: text('kind', { enum: CONTENT_KINDS }).notNull(),
  /** destinations.ref; the recipient key and account are read from the destination. */
  destinationRef: integer('destination_ref').notNull().references(() => destinations.ref),
  /** The account whose daily cap counts this row; set exactly when capDay is. */
  capAccountId: text('cap_account_id'),
  /** Lower goes first: 0 paid real-time, 10 delayed, 20 snapshots. */
  priority: integer('priority').notNull(),
  dueAt: integer('due_at').notNull(),
  /** The UTC day (YYYY-MM-DD), only while the row counts toward a daily cap (an account's alert of a capped plan, not skipped); else null. */
  capDay: text('cap_day'),
  state: text('state', { enum: DELIVERY_STATES }).notNull(),
  /** Why a delivery was skipped at planning (e.g. daily_cap). */
  skipReason: text('skip_reason'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  lastErrorCode: text('last_error_code'),
  platformMessageId: text('platform_message_id'),
  claimedAt: integer('claimed_at'),
  sentAt: integer('sent_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** Sent so that it cannot be forwarded or saved (the plan's protectContent, decided at planning). */
  protectContent: integer('protect_content', { mode: 'boolean' }).notNull().default(false),
  /** An alert not sent by then is marked 'expired' (its plan's or signal's maximum age from its due time); null: never. */
  expiresAt: integer('expires_at'),
  /**
   * The destination's platform, copied at insert (a destination never changes platform), so that the
   * dispatcher walks each platform's due rows alone: a platform whose window is full, or a huge backlog
   * of one, costs the others' walks nothing. Writers set it; a trigger (migration 0015, not modelled by
   * drizzle: deliveries_platform_filled) fills it from the destination when an insert leaves it null.
   */
  platform: text('platform'),
}, (t) => [
  uniqueIndex('deliveries_content_destination_kind_idx').on(t.contentRef, t.destinationRef, t.kind),
  index('deliveries_due_idx').on(t.state, t.platform, t.priority, t.dueAt),
  // Partial: only capped plans' rows are counted, so paid fan-outs add nothing to this index.
  // Covering: one range of it gives every account's count of signals on a day.
  index('deliveries_cap_usage_idx').on(t.capDay, t.capAccountId, t.contentRef).where(sql`cap_day IS NOT NULL`),
  // Partial: a quiet window's held alerts (and those superseded while held) at one destination, for its digest
  // (db/stores/digest-content.ts) and the trigger that settles them with it (migration 0013; drizzle does not model
  // triggers: deliveries_digest_settles_held, AFTER UPDATE OF state WHEN NEW.kind = 'digest'). Queries name the
  // exact term `state IN ('held', 'superseded')` so SQLite can use it.
  // Partial: only pending rows that can expire, in expiry order, so the expiry sweep reads exactly the rows it expires
  // (a backlog not yet stale costs it nothing) and a sent row leaves the index.
  index('deliveries_expiry_idx').on(t.expiresAt).where(sql`state = 'pending' AND expires_at IS NOT NULL`),
  index('deliveries_quiet_idx').on(t.destinationRef, t.dueAt).where(sql`state IN ('held', 'superseded')`),
]);

export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  /** Who did it: 'system', 'api-key:<id>', 'cli', 'operator:<identity>', 'stripe'. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  reason: text('reason'),
  data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('audit_subject_idx').on(t.subjectType, t.subjectId)]);

export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  outcome: text('outcome'),
});

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The first characters of the key, shown in lists so a person can tell keys apart. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  hash: text('hash').notNull().unique(),
  createdAt: createdAt(),
  lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
});

/**
 * What may have changed for planning: triggers (written in migration 0002, not modelled by drizzle)
 * log each destination and account whose candidates changed, from any process, so that the
 * in-memory candidate cache (db/stores/candidate-cache.ts) re-reads only those. Pruned after an hour.
 * A migration that recreates destinations, identities, accounts or subscriptions must recreate
 * their planning_* triggers (db/stores/candidate-cache.test.ts checks they exist).
 */
export const planningChanges = sqliteTable('planning_changes', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  destinationId: text('destination_id'),
  accountId: text('account_id'),
  at: integer('at').notNull().default(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`),
}, (t) => [index('planning_changes_at_idx').on(t.at)]);

export type SignalRow = typeof signals.$inferSelect;
export type SignalUpdateRow = typeof signalUpdates.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type IdentityRow = typeof identities.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type DestinationRow = typeof destinations.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Who is in a gated chat or holds a gated role, as tracked from the platform's member updates. */
export const accessMemberships = sqliteTable('access_memberships', {
  id: text('id').primaryKey(),
  platform: text('platform').notNull(),
  /** The gated resource, e.g. "telegram:chat:-1001234" or "discord:role:<guild>:<role>". */
  resourceKey: text('resource_key').notNull(),
  platformUserId: text('platform_user_id').notNull(),
  /** 'member' (in, through us), 'held' (holds it, not through us: a role given by hand), 'requested' (join request waiting), 'left', 'removed' (by us). */
  state: text('state', { enum: ['member', 'held', 'requested', 'left', 'removed'] }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [
  uniqueIndex('access_memberships_resource_user_idx').on(t.platform, t.resourceKey, t.platformUserId),
  index('access_memberships_user_idx').on(t.platform, t.platformUserId),
]);

/** Personal invite links handed out on a grant; revoked on a lapse or once used. */
export const inviteLinks = sqliteTable('invite_links', {
  id: text('id').primaryKey(),
  platform: text('platform').notNull(),
  resourceKey: text('resource_key').notNull(),
  link: text('link').notNull().unique(),
  accountId: text('account_id').references(() => accounts.id),
  platformUserId: text('platform_user_id').notNull(),
  state: text('state', { enum: ['active', 'used', 'revoked', 'expired'] }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('invite_links_user_idx').on(t.platform, t.platformUserId, t.state)]);

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

export type AccessMembershipRow = typeof accessMemberships.$inferSelect;
export type InviteLinkRow = typeof inviteLinks.$inferSelect;

export const ACCESS_JOB_STATES = ['pending', 'running', 'parked', 'done', 'dead'] as const;

/**
 * Durable access work: "bring this account's access in line with its subscriptions", written in the
 * same transaction as the change that calls for it and carried out by the access job runner. At most
 * one pending job per account: a second change before it runs joins it.
 */
export const accessJobs = sqliteTable('access_jobs', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().references(() => accounts.id),
  /** What set it off: 'subscription', 'grant', 'revoke', 'billing_reconcile', ... */
  trigger: text('trigger').notNull(),
  /** Who: 'stripe', 'system', 'cli', 'operator:<identity>'. */
  actor: text('actor').notNull(),
  reason: text('reason'),
  state: text('state', { enum: ACCESS_JOB_STATES }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  dueAt: integer('due_at').notNull(),
  lastError: text('last_error'),
  /** What the last run did, e.g. "invited telegram:42 to telegram:chat:-1001" (no invite link: it is a key). */
  outcome: text('outcome'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  finishedAt: integer('finished_at'),
}, (t) => [
  uniqueIndex('access_jobs_pending_account_idx').on(t.accountId).where(sql`state = 'pending'`),
  index('access_jobs_due_idx').on(t.state, t.dueAt),
]);

/** Access messages (welcome, lapse, invite link, removal, ...) delivered through the outbox: deliveries.content_ref points here for content_type 'notice'. */
export const notices = sqliteTable('notices', {
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  /** The account it is about; null for someone without one (a turned-away join request). */
  accountId: text('account_id'),
  /** What it is: 'welcome', 'lapse', 'invite', 'removed', 'approved', 'declined', 'billing'. */
  topic: text('topic').notNull(),
  text: text('text').notNull(),
  buttonLabel: text('button_label'),
  buttonUrl: text('button_url'),
  createdAt: integer('created_at').notNull(),
});

export type AccessJobRow = typeof accessJobs.$inferSelect;
export type NoticeRow = typeof notices.$inferSelect;

/**
 * One installation of the app in a tenant (a Slack workspace): its bot token, encrypted with
 * SECRETS_KEY (core/tenancy/secret-box.ts), and who installed it. A reinstall updates the row;
 * an uninstall or revoked token sets revokedAt. `accountId` is the account the tenant pays as,
 * once it subscribes.
 */
export const installations = sqliteTable('installations', {
  id: text('id').primaryKey(),
  platform: text('platform').notNull(),
  tenant: text('tenant').notNull(),
  tenantName: text('tenant_name'),
  enterpriseId: text('enterprise_id'),
  botUserId: text('bot_user_id'),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
  installerPlatformUserId: text('installer_platform_user_id'),
  /** "v1.<iv>.<tag>.<ciphertext>" in base64url: AES-256-GCM under SECRETS_KEY. Never the token itself. */
  botTokenSealed: text('bot_token_sealed').notNull(),
  installedAt: integer('installed_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  revokedReason: text('revoked_reason'),
  accountId: text('account_id').references(() => accounts.id),
}, (t) => [
  uniqueIndex('installations_platform_tenant_idx').on(t.platform, t.tenant),
  index('installations_account_idx').on(t.accountId),
]);

export type InstallationRow = typeof installations.$inferSelect;

/**
 * Which plans' subscribers a signal's alert was planned for (a row per signal and plan with at least
 * one alert row not skipped): the track record per plan reads what each plan actually received.
 */
export const signalReach = sqliteTable('signal_reach', {
  signalRef: integer('signal_ref').notNull().references(() => signals.ref),
  planId: text('plan_id').notNull(),
}, (t) => [uniqueIndex('signal_reach_signal_plan_idx').on(t.signalRef, t.planId), index('signal_reach_plan_idx').on(t.planId)]);

/**
 * One daily snapshot per day in the operator's time zone (`day` unique: a second run of the same day
 * finds it). Its deliveries point here (content_type 'snapshot', kind 'snapshot'), one per
 * destination by the deliveries' unique key: once per destination per day.
 */
export const snapshots = sqliteTable('snapshots', {
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  /** YYYY-MM-DD in OPERATOR_TIME_ZONE: the day it summarises. */
  day: text('day').notNull().unique(),
  title: text('title').notNull(),
  text: text('text').notNull(),
  /** The chart, PNG bytes; null when it could not be drawn (the text goes alone). */
  png: blob('png', { mode: 'buffer' }),
  pngWidth: integer('png_width'),
  pngHeight: integer('png_height'),
  pngAlt: text('png_alt'),
  /** The figures it was written from, as JSON, for the operator and the tests. */
  figures: text('figures', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: integer('created_at').notNull(),
});

/**
 * Each scheduled job's last run and its lease: a run takes the lease (holder, until) in one statement,
 * so two processes never run the same job at once; the last run's outcome feeds /metrics.
 */
export const scheduleRuns = sqliteTable('schedule_runs', {
  job: text('job').primaryKey(),
  leaseHolder: text('lease_holder'),
  leaseUntil: integer('lease_until'),
  lastStartedAt: integer('last_started_at'),
  lastFinishedAt: integer('last_finished_at'),
  lastDurationMs: integer('last_duration_ms'),
  /** 'ok', 'failed' or 'skipped' (another run held the lease). */
  lastOutcome: text('last_outcome'),
  lastError: text('last_error'),
  runs: integer('runs').notNull().default(0),
});

/**
 * Keys of things done once ever, e.g. "trial-reminder:sub_123:3d" or "dead-letter-report:2026-12-06":
 * inserting a key that exists changes nothing, so a job run twice does it once.
 */
export const onceKeys = sqliteTable('once_keys', {
  key: text('key').primaryKey(),
  createdAt: integer('created_at').notNull(),
});

export type SnapshotRow = typeof snapshots.$inferSelect;
export type ScheduleRunRow = typeof scheduleRuns.$inferSelect;
