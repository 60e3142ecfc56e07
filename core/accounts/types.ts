// Accounts as the core sees them: settings, identities, subscriptions and destinations.
import type { SubscriptionState } from '../entitlement';
import type { Band, ContentKind, PlatformName, Recipient, Side } from '../types';

/** What a subscriber chooses with /settings and /stop. */
export interface AccountSettings {
  /** Symbols wanted (compared case-insensitively); null means all. */
  symbolFilter: string[] | null;
  /** Lowest band wanted (A is highest); null means all. */
  minBand: Band | null;
  /** Sides wanted; null means all. */
  sideFilter: Side[] | null;
  directMessages: boolean;
  /** "HH:MM" in timeZone; both null means no quiet hours. May wrap midnight (22:00-07:00). */
  quietStart: string | null;
  quietEnd: string | null;
  /** An IANA time zone, e.g. "Europe/London". */
  timeZone: string;
  /** Set by /stop: no direct messages until /resume. */
  paused: boolean;
}

/** A channel's own filters (a workspace channel's /signals settings): the same rules as an account's; empty lists are stored as null. */
export type ChannelFilters = Pick<AccountSettings, 'symbolFilter' | 'minBand' | 'sideFilter'>;

export interface Account extends AccountSettings {
  id: string;
  displayName: string | null;
  stripeCustomerId: string | null;
  referralCode: string | null;
  referredBy: string | null;
  createdAt: Date;
}

/**
 * One person on one platform; each identity belongs to exactly one account. A platform user id is
 * unique per platform and tenant: `tenant` is set only where the platform's user ids are per tenant
 * (a Slack workspace's), and null where they are global (Telegram, Discord: a Discord member is one
 * identity across every guild).
 */
export interface Identity {
  id: string;
  accountId: string;
  platform: PlatformName;
  platformUserId: string;
  tenant: string | null;
  username: string | null;
  createdAt: Date;
}

/** A stored subscription: Stripe's mirror, or an operator grant. */
export interface Subscription extends SubscriptionState {
  accountId: string;
  stripeSubscriptionId: string | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  pastDueSince: Date | null;
  accessRevokedAt: Date | null;
  accessRevokedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type DestinationKind = 'channel' | 'direct';

/**
 * Where content goes: a channel or group with a plan, a channel an account owns (a Slack
 * workspace's chosen channel: it follows that account's entitlement, as direct messages do), or
 * direct messages to one identity.
 */
export interface Destination {
  id: string;
  kind: DestinationKind;
  platform: PlatformName;
  recipient: Recipient;
  recipientKey: string;
  /** The recipient's tenant (a Discord server, a Slack workspace); null where the platform has none. */
  tenant: string | null;
  identityId: string | null;
  /** A direct destination's account, or the account that owns a channel. */
  accountId: string | null;
  /** Channel destinations without an owner get the content of this plan; null means the free plan's. */
  planId: string | null;
  contentKinds: ContentKind[];
  isGroup: boolean;
  label: string | null;
  /** A channel's own filters (symbols, minimum band, sides); null: none. */
  filters: ChannelFilters | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
}
