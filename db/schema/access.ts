// Access to gated chats and roles: memberships, invite links, the durable access jobs, and installations in tenants.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { accounts } from './people';
import { createdAt } from './columns';

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

export type AccessMembershipRow = typeof accessMemberships.$inferSelect;
export type InviteLinkRow = typeof inviteLinks.$inferSelect;
export type AccessJobRow = typeof accessJobs.$inferSelect;
export type InstallationRow = typeof installations.$inferSelect;
