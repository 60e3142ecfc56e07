// The account store the rest of the app uses (onboarding, billing, settings, tests); db/stores/account-store.ts implements it.
import type { Instant } from '../entitlement';
import type { ContentKind, PlatformName, Recipient } from '../types';
import type { Account, AccountSettings, ChannelFilters, Destination, DestinationKind, Identity, Subscription } from './types';

export interface NewAccount {
  displayName?: string | null;
  stripeCustomerId?: string | null;
  referralCode?: string | null;
  referredBy?: string | null;
  /** Validated like updateSettings. */
  settings?: Partial<AccountSettings>;
}

/** A subscription to insert or update; matched by `stripeSubscriptionId` when set, else by `id`. */
export interface SubscriptionUpsert {
  id?: string;
  accountId: string;
  stripeSubscriptionId?: string | null;
  planId: string;
  status: string;
  currentPeriodEnd?: Instant | null;
  cancelAtPeriodEnd?: boolean;
  trialEnd?: Instant | null;
  pastDueSince?: Instant | null;
  source?: 'stripe' | 'grant';
}

export interface NewDestination {
  kind: DestinationKind;
  /** Its tenant, if any, becomes the destination's tenant. */
  recipient: Recipient;
  /** Required for a direct destination; on a channel, the owning account, whose entitlement it then follows (no planId). */
  accountId?: string | null;
  identityId?: string | null;
  /** For channel destinations no account owns: the plan whose content it gets (null: the free plan's). */
  planId?: string | null;
  contentKinds: ContentKind[];
  isGroup?: boolean;
  label?: string | null;
  /** A channel's own filters (symbols, minimum band, sides); null or absent: none. */
  filters?: ChannelFilters | null;
}

/** Where a platform's user ids are per tenant (a Slack workspace), the tenant the identity lives in. */
export interface IdentityTenant {
  tenant?: string | null;
}

export interface DestinationFilter {
  accountId?: string;
  kind?: DestinationKind;
  enabled?: boolean;
  platform?: PlatformName;
  tenant?: string;
}

/**
 * Accounts, their identities, subscriptions and destinations. Async so that a PostgreSQL
 * store can implement it later; the SQLite one answers at once.
 */
export interface AccountStore {
  createAccount(fields?: NewAccount): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;
  /**
   * Links a platform identity to an account; a conflict if it already belongs to one, and a
   * PlatformTakenError if the account already holds an identity on that platform (one per platform).
   * `tenant` only where the platform's user ids are per tenant (see Identity).
   */
  addIdentity(accountId: string, platform: PlatformName, platformUserId: string, username?: string | null, options?: IdentityTenant): Promise<Identity>;
  /** The identity with this user id in `tenant` (left out: a platform whose user ids are global). */
  findIdentity(platform: PlatformName, platformUserId: string, tenant?: string | null): Promise<Identity | null>;
  findAccountByIdentity(platform: PlatformName, platformUserId: string, tenant?: string | null): Promise<Account | null>;
  findAccountByStripeCustomer(stripeCustomerId: string): Promise<Account | null>;
  /** Validates the change (formats, time zone, bands, sides, quiet hours as a pair) and applies it. */
  updateSettings(accountId: string, changes: unknown): Promise<Account>;
  upsertSubscription(row: SubscriptionUpsert): Promise<Subscription>;
  /**
   * Holds a subscription (a full refund, a dispute): entitlement denies it whatever its status, and
   * upsertSubscription keeps the hold. Sets nothing when it is already held; null for an unknown id.
   */
  holdSubscription(id: string, hold: { at: number; reason: string }): Promise<Subscription | null>;
  listSubscriptions(accountId: string): Promise<Subscription[]>;
  /** A conflict when a destination already exists for this recipient. */
  addDestination(fields: NewDestination): Promise<Destination>;
  getDestination(id: string): Promise<Destination | null>;
  findDestinationByRecipient(recipient: Recipient): Promise<Destination | null>;
  /** Oldest first; `tenant` (with `platform`) gives every destination of one workspace or server. */
  listDestinations(filter?: DestinationFilter): Promise<Destination[]>;
  disableDestination(id: string, reason: string): Promise<void>;
  enableDestination(id: string): Promise<void>;
  /** Replaces a channel's own filters (null, or lists all empty: none); not_found for an unknown id. */
  setDestinationFilters(id: string, filters: ChannelFilters | null): Promise<Destination>;
}
