// The access store port: tracked memberships, personal invite links, and who holds which account; db/stores/access-store.ts implements it.
import type { SubscriptionState } from '../entitlement';
import type { PlatformName } from '../types';

/**
 * 'member': in, through us (granted, approved, joined with our link); 'held': holds it by the
 * platform's account but not through us (a role given by hand), until an entitlement adopts it;
 * 'requested': a join request is waiting; 'left': left on their own, declined, or lost it by someone
 * else's hand; 'removed': removed by us.
 */
export type MembershipState = 'member' | 'held' | 'requested' | 'left' | 'removed';

/** The states in which a person holds the resource now. */
export const HOLDING_STATES: readonly MembershipState[] = ['member', 'held'];

/** One person's standing in one gated resource, as last seen in the platform's member updates (or set by us). */
export interface MembershipRecord {
  platform: PlatformName;
  /** See resourceKey() in ports.ts. */
  resourceKey: string;
  platformUserId: string;
  state: MembershipState;
  /** Milliseconds since the epoch. */
  updatedAt: number;
}

export type InviteLinkState = 'active' | 'used' | 'revoked' | 'expired';

/** A personal invite link handed out on a grant. */
export interface InviteLinkRecord {
  id: string;
  platform: PlatformName;
  resourceKey: string;
  link: string;
  accountId: string | null;
  platformUserId: string;
  state: InviteLinkState;
  /** Milliseconds since the epoch; null: never expires. */
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewInviteLink {
  platform: PlatformName;
  resourceKey: string;
  link: string;
  accountId: string | null;
  platformUserId: string;
  expiresAt: number | null;
}

/** A platform identity, as access needs it. */
export interface IdentityRef {
  platform: PlatformName;
  platformUserId: string;
  /** Set where the platform's user ids are per tenant (a Slack workspace). */
  tenant?: string | null | undefined;
}

/** An account with what decides its access: its identities and its subscriptions. */
export interface AccessAccount {
  accountId: string;
  identities: IdentityRef[];
  subscriptions: SubscriptionState[];
}

/**
 * Memberships, invite links, and the accounts behind platform identities. Async so that a
 * PostgreSQL store can implement it later; the SQLite one answers at once.
 */
export interface AccessStore {
  /** Inserts or updates the one row for (platform, resource, user). */
  setMembership(m: Omit<MembershipRecord, 'updatedAt'>): Promise<void>;
  getMembership(platform: PlatformName, resourceKey: string, platformUserId: string): Promise<MembershipRecord | null>;
  /** Everyone tracked as in the resource (state 'member'). */
  listMembers(platform: PlatformName, resourceKey: string): Promise<MembershipRecord[]>;
  /**
   * Rows matching every filter given, in (resource, user id) order; no filter: all rows. `afterUserId`
   * and `limit` read one page of one resource's rows (with `platform` and `resourceKey`): the next
   * `limit` rows whose user id sorts after `afterUserId`.
   */
  listMemberships(filter?: { platform?: PlatformName; resourceKey?: string; platformUserIds?: string[]; states?: MembershipState[]; afterUserId?: string; limit?: number }): Promise<MembershipRecord[]>;

  addInviteLink(link: NewInviteLink): Promise<InviteLinkRecord>;
  /** Links still usable at `now`: state 'active' and not past expiresAt. */
  listActiveInviteLinks(filter: { now: number; platform?: PlatformName; platformUserId?: string; platformUserIds?: string[]; resourceKey?: string }): Promise<InviteLinkRecord[]>;
  /**
   * Links not confirmed revoked on the platform: 'active' or 'used' (a used link that could not be
   * revoked may still admit someone), whatever their expiry. A lapse revokes each of these.
   */
  listUnrevokedInviteLinks(filter: { platform?: PlatformName; platformUserId?: string; platformUserIds?: string[]; resourceKey?: string }): Promise<InviteLinkRecord[]>;
  /** Records that the platform confirmed the link dead: 'revoked' (we revoked it) or 'expired' (it said the link is gone), from any state. */
  confirmInviteLinkGone(link: string, state: 'revoked' | 'expired'): Promise<void>;
  /** The personal link with this exact URL, whatever its state (whose it is); null when we never made it. */
  findInviteLink(platform: PlatformName, link: string): Promise<InviteLinkRecord | null>;
  /** Moves a link out of 'active'; false when no such link is active. */
  setInviteLinkState(link: string, state: Exclude<InviteLinkState, 'active'>): Promise<boolean>;
  /** Marks every active link past its expiry 'expired'; returns how many. */
  expireInviteLinks(now: number): Promise<number>;

  /** The account a platform identity belongs to, with all its identities and subscriptions. */
  findAccessAccount(platform: PlatformName, platformUserId: string): Promise<AccessAccount | null>;
  /**
   * Accounts with at least one identity on `platforms`, in account id order (only `accountId`, when
   * given). `after` and `limit` read one page: the next `limit` accounts whose id sorts after `after`.
   */
  listAccessAccounts(filter: { platforms: PlatformName[]; accountId?: string; after?: string; limit?: number }): Promise<AccessAccount[]>;
  /**
   * One page of the people tracked rows name (a membership row, an active or used invite link), in
   * (platform, user id) order after `after` (null: from the start), `limit` people at most: those
   * on `platforms` who belong to no account (strangers), and where the next page starts (null: none
   * left). A page may hold no stranger and still have a next one.
   */
  listStrangerPage(filter: { platforms: PlatformName[]; after: IdentityRef | null; limit: number }): Promise<StrangerPage>;
}

/** See AccessStore.listStrangerPage. */
export interface StrangerPage {
  strangers: IdentityRef[];
  next: IdentityRef | null;
}
