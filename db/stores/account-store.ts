// Accounts, identities, subscriptions and destinations in SQLite (drizzle): the AccountStore port.
import { and, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { PlatformTakenError } from '../../core/accounts/errors';
import type { AccountStore, DestinationFilter, IdentityTenant, NewAccount, NewDestination, SubscriptionUpsert } from '../../core/accounts/ports';
import { checkSettings, DEFAULT_SETTINGS, parseSettingsUpdate } from '../../core/accounts/settings';
import type { Account, AccountSettings, ChannelFilters, Destination, Identity, Subscription } from '../../core/accounts/types';
import type { Clock } from '../../core/clock';
import type { Instant } from '../../core/entitlement';
import { SignalcastError, ValidationError } from '../../core/errors';
import { newId } from '../../core/ids';
import { recipientKey, type ContentKind, type PlatformName, type Recipient } from '../../core/types';
import type { Db } from '../client';
import { accounts, destinations, identities, subscriptions, type AccountRow, type DestinationRow, type IdentityRow, type SubscriptionRow } from '../schema';

const toDate = (t: Instant | null | undefined): Date | null => (t === null || t === undefined ? null : new Date(t));

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    displayName: row.displayName,
    stripeCustomerId: row.stripeCustomerId,
    referralCode: row.referralCode,
    referredBy: row.referredBy,
    symbolFilter: row.symbolFilter,
    minBand: row.minBand,
    sideFilter: row.sideFilter,
    directMessages: row.directMessages,
    quietStart: row.quietStart,
    quietEnd: row.quietEnd,
    timeZone: row.timeZone,
    paused: row.paused,
    createdAt: row.createdAt,
  };
}

function toIdentity(row: IdentityRow): Identity {
  return { ...row, platform: row.platform as PlatformName };
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return { ...row };
}

/** Empty lists filter nothing and are kept as null; filters that filter nothing are no filters (planning then skips them). */
function channelFilters(filters: ChannelFilters | null): ChannelFilters | null {
  if (!filters) return null;
  const list = <T>(v: T[] | null): T[] | null => (v && v.length > 0 ? [...v] : null);
  const out: ChannelFilters = { symbolFilter: list(filters.symbolFilter), minBand: filters.minBand ?? null, sideFilter: list(filters.sideFilter) };
  return out.symbolFilter === null && out.minBand === null && out.sideFilter === null ? null : out;
}

export function toDestination(row: DestinationRow): Destination {
  return {
    id: row.id,
    kind: row.kind,
    platform: row.platform as PlatformName,
    recipient: row.address as Recipient,
    recipientKey: row.recipientKey,
    tenant: row.tenant,
    identityId: row.identityId,
    accountId: row.accountId,
    planId: row.planId,
    contentKinds: row.contentKinds as ContentKind[],
    isGroup: row.isGroup,
    label: row.label,
    filters: row.filters ?? null,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
  };
}

/** The identity with this user id: in `tenant` where the platform's user ids are per tenant, else the platform's global one. */
function identityIs(platform: PlatformName, platformUserId: string, tenant: string | null | undefined): SQL | undefined {
  return and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId), tenant ? eq(identities.tenant, tenant) : isNull(identities.tenant));
}

const inTenant = (tenant: string | null | undefined): string => (tenant ? ` in ${tenant}` : '');

function settingsOf(account: Account): AccountSettings {
  const { symbolFilter, minBand, sideFilter, directMessages, quietStart, quietEnd, timeZone, paused } = account;
  return { symbolFilter, minBand, sideFilter, directMessages, quietStart, quietEnd, timeZone, paused };
}

export class SqliteAccountStore implements AccountStore {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  private get db(): Db {
    return this.deps.db;
  }

  async createAccount(fields: NewAccount = {}): Promise<Account> {
    const settings = { ...DEFAULT_SETTINGS, ...parseSettingsUpdate(fields.settings ?? {}) };
    checkSettings(settings);
    const row = this.db.insert(accounts).values({
      id: newId('acc'),
      displayName: fields.displayName ?? null,
      stripeCustomerId: fields.stripeCustomerId ?? null,
      referralCode: fields.referralCode ?? null,
      referredBy: fields.referredBy ?? null,
      ...settings,
      createdAt: new Date(this.deps.clock.now()),
    }).returning().get();
    return toAccount(row);
  }

  async getAccount(id: string): Promise<Account | null> {
    const row = this.db.select().from(accounts).where(eq(accounts.id, id)).get();
    return row ? toAccount(row) : null;
  }

  private requireAccount(id: string): Account {
    const row = this.db.select().from(accounts).where(eq(accounts.id, id)).get();
    if (!row) throw new SignalcastError('not_found', `account ${id} not found`);
    return toAccount(row);
  }

  async addIdentity(accountId: string, platform: PlatformName, platformUserId: string, username: string | null = null, options: IdentityTenant = {}): Promise<Identity> {
    const tenant = options.tenant || null;
    // Immediate: the check and the insert hold the write lock together, so another process cannot link in between.
    return this.db.transaction((tx) => {
      if (!tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get()) {
        throw new SignalcastError('not_found', `account ${accountId} not found`);
      }
      const existing = tx.select().from(identities).where(identityIs(platform, platformUserId, tenant)).get();
      if (existing) {
        throw new SignalcastError('conflict', `${platform} user ${platformUserId}${inTenant(tenant)} already belongs to account ${existing.accountId}`);
      }
      const held = tx.select().from(identities).where(and(eq(identities.accountId, accountId), eq(identities.platform, platform))).get();
      if (held) throw new PlatformTakenError(accountId, platform, { identityId: held.id, username: held.username });
      const row = tx.insert(identities).values({
        id: newId('idn'), accountId, platform, platformUserId, tenant, username, createdAt: new Date(this.deps.clock.now()),
      }).returning().get();
      return toIdentity(row);
    }, { behavior: 'immediate' });
  }

  async findIdentity(platform: PlatformName, platformUserId: string, tenant?: string | null): Promise<Identity | null> {
    const row = this.db.select().from(identities).where(identityIs(platform, platformUserId, tenant)).get();
    return row ? toIdentity(row) : null;
  }

  async findAccountByIdentity(platform: PlatformName, platformUserId: string, tenant?: string | null): Promise<Account | null> {
    const row = this.db.select({ account: accounts }).from(identities)
      .innerJoin(accounts, eq(accounts.id, identities.accountId))
      .where(identityIs(platform, platformUserId, tenant)).get();
    return row ? toAccount(row.account) : null;
  }

  async findAccountByStripeCustomer(stripeCustomerId: string): Promise<Account | null> {
    const row = this.db.select().from(accounts).where(eq(accounts.stripeCustomerId, stripeCustomerId)).get();
    return row ? toAccount(row) : null;
  }

  async updateSettings(accountId: string, changes: unknown): Promise<Account> {
    const update = parseSettingsUpdate(changes);
    const current = this.requireAccount(accountId);
    checkSettings({ ...settingsOf(current), ...update });
    if (Object.keys(update).length === 0) return current;
    const row = this.db.update(accounts).set(update).where(eq(accounts.id, accountId)).returning().get();
    return toAccount(row as AccountRow);
  }

  async upsertSubscription(sub: SubscriptionUpsert): Promise<Subscription> {
    this.requireAccount(sub.accountId);
    return writeSubscription(this.db, new Date(this.deps.clock.now()), sub);
  }

  async holdSubscription(id: string, hold: { at: number; reason: string }): Promise<Subscription | null> {
    const held = holdSubscriptionRow(this.db, new Date(this.deps.clock.now()), id, hold);
    if (held) return held;
    const existing = this.db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();
    return existing ? toSubscription(existing) : null;
  }

  async listSubscriptions(accountId: string): Promise<Subscription[]> {
    return this.db.select().from(subscriptions).where(eq(subscriptions.accountId, accountId)).all().map(toSubscription);
  }

  async addDestination(fields: NewDestination): Promise<Destination> {
    const key = recipientKey(fields.recipient);
    const existing = this.db.select({ id: destinations.id }).from(destinations).where(eq(destinations.recipientKey, key)).get();
    if (existing) throw new SignalcastError('conflict', `a destination for ${key} already exists (${existing.id})`);
    if (fields.kind === 'direct' && !fields.accountId) {
      throw new ValidationError([{ field: 'accountId', message: 'a direct destination needs the account it belongs to' }]);
    }
    if (fields.kind === 'channel' && fields.accountId && fields.planId) {
      throw new ValidationError([{ field: 'planId', message: "a channel an account owns follows that account's subscription: give accountId or planId, not both" }]);
    }
    if (fields.contentKinds.length === 0) throw new ValidationError([{ field: 'contentKinds', message: 'expected at least one kind' }]);
    const row = this.db.insert(destinations).values({
      id: newId('dst'),
      platform: fields.recipient.platform,
      kind: fields.kind,
      address: fields.recipient,
      recipientKey: key,
      tenant: fields.recipient.tenant || null,
      identityId: fields.identityId ?? null,
      accountId: fields.accountId ?? null,
      planId: fields.planId ?? null,
      contentKinds: [...new Set(fields.contentKinds)],
      isGroup: fields.isGroup ?? false,
      label: fields.label ?? null,
      filters: channelFilters(fields.filters ?? null),
      createdAt: new Date(this.deps.clock.now()),
    }).returning().get();
    return toDestination(row);
  }

  async getDestination(id: string): Promise<Destination | null> {
    const row = this.db.select().from(destinations).where(eq(destinations.id, id)).get();
    return row ? toDestination(row) : null;
  }

  async findDestinationByRecipient(recipient: Recipient): Promise<Destination | null> {
    const row = this.db.select().from(destinations).where(eq(destinations.recipientKey, recipientKey(recipient))).get();
    return row ? toDestination(row) : null;
  }

  async listDestinations(filter: DestinationFilter = {}): Promise<Destination[]> {
    const where: SQL[] = [];
    if (filter.platform !== undefined) where.push(eq(destinations.platform, filter.platform));
    if (filter.tenant !== undefined) where.push(eq(destinations.tenant, filter.tenant), isNotNull(destinations.tenant));
    if (filter.accountId !== undefined) where.push(eq(destinations.accountId, filter.accountId));
    if (filter.kind !== undefined) where.push(eq(destinations.kind, filter.kind));
    if (filter.enabled !== undefined) where.push(eq(destinations.enabled, filter.enabled));
    return this.db.select().from(destinations).where(and(...where)).orderBy(destinations.createdAt, destinations.id).all().map(toDestination);
  }

  /**
   * Disables it and, in the same transaction, skips its pending deliveries: the dispatcher never
   * claims a disabled destination's rows, and enabling it again must not send a backlog late.
   */
  async disableDestination(id: string, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    const changed = this.db.transaction((tx) => {
      const row = tx.update(destinations)
        .set({ enabled: false, disabledReason: reason, disabledAt: new Date(now) })
        .where(eq(destinations.id, id)).returning({ ref: destinations.ref }).get();
      if (!row) return false;
      tx.run(sql`UPDATE deliveries SET state = 'skipped', skip_reason = 'destination_disabled', cap_day = NULL, cap_account_id = NULL, updated_at = ${now}
        WHERE destination_ref = ${row.ref} AND state = 'pending'`);
      return true;
    }, { behavior: 'immediate' });
    if (!changed) throw new SignalcastError('not_found', `destination ${id} not found`);
  }

  async setDestinationFilters(id: string, filters: ChannelFilters | null): Promise<Destination> {
    const row = this.db.update(destinations).set({ filters: channelFilters(filters) }).where(eq(destinations.id, id)).returning().get();
    if (!row) throw new SignalcastError('not_found', `destination ${id} not found`);
    return toDestination(row);
  }

  async enableDestination(id: string): Promise<void> {
    const changed = this.db.update(destinations)
      .set({ enabled: true, disabledReason: null, disabledAt: null })
      .where(eq(destinations.id, id)).run().changes;
    if (changed === 0) throw new SignalcastError('not_found', `destination ${id} not found`);
  }
}

/** Inserts or updates one subscription, synchronously (so it can run inside a caller's transaction); the account must exist. */
export function writeSubscription(db: Db, now: Date, sub: SubscriptionUpsert): Subscription {
  const fields = {
    accountId: sub.accountId,
    stripeSubscriptionId: sub.stripeSubscriptionId ?? null,
    planId: sub.planId,
    status: sub.status,
    currentPeriodEnd: toDate(sub.currentPeriodEnd),
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd ?? false,
    trialEnd: toDate(sub.trialEnd),
    pastDueSince: toDate(sub.pastDueSince),
    source: sub.source ?? 'stripe',
    updatedAt: now,
  };
  const match = sub.stripeSubscriptionId
    ? eq(subscriptions.stripeSubscriptionId, sub.stripeSubscriptionId)
    : sub.id ? eq(subscriptions.id, sub.id) : undefined;
  const existing = match ? db.select().from(subscriptions).where(match).get() : undefined;
  const row = existing
    ? db.update(subscriptions).set(fields).where(eq(subscriptions.id, existing.id)).returning().get()
    : db.insert(subscriptions).values({ id: sub.id ?? newId('sub'), ...fields, createdAt: now }).returning().get();
  return toSubscription(row as SubscriptionRow);
}

/** Holds a subscription's access (a refund, a dispute); the held row, or null when it is unknown or already held. Synchronous, for the caller's transaction. */
export function holdSubscriptionRow(db: Db, now: Date, id: string, hold: { at: number; reason: string }): Subscription | null {
  const row = db.update(subscriptions)
    .set({ accessRevokedAt: new Date(hold.at), accessRevokedReason: hold.reason, updatedAt: now })
    .where(and(eq(subscriptions.id, id), isNull(subscriptions.accessRevokedAt))).returning().get();
  return row ? toSubscription(row) : null;
}
