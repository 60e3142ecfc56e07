// Account lookups and moves the chat commands need beyond AccountStore: usernames (/grant) and identities (/link).
import type { PlatformName } from '../types';
import type { Identity } from './types';

/**
 * What /link and /grant need to find and rearrange accounts (referral codes are core/billing/referrals.ts).
 * db/stores/account-directory.ts implements it on SQLite.
 */
export interface AccountDirectory {
  /** The identity last seen with this username on the platform (case-insensitive, without "@"). */
  findIdentityByUsername(platform: PlatformName, username: string): Promise<Identity | null>;
  /** Keeps the username current, so that operators can name people by it. */
  setUsername(identityId: string, username: string | null): Promise<void>;
  /**
   * Moves an identity, and the direct-message destinations it owns, to another account
   * (in one transaction). The account it leaves keeps everything else. Throws PlatformTakenError,
   * changing nothing, when the target already holds an identity on the same platform.
   */
  moveIdentity(identityId: string, toAccountId: string): Promise<Identity>;
  /**
   * Unlinks an identity: moves it, and its direct-message destinations, to a new account of its own
   * with default settings and no subscription (in one transaction). Refuses (a conflict) to detach
   * the last identity of an account.
   */
  detachIdentity(identityId: string, at: number): Promise<{ identity: Identity; fromAccountId: string }>;
  /** The account's identities, oldest first. */
  listIdentities(accountId: string): Promise<Identity[]>;
  holdings(accountId: string): Promise<AccountHoldings>;
}

/** What the account an identity is about to leave still holds: /link refuses to strand any of it. */
export interface AccountHoldings {
  identities: number;
  subscriptions: number;
  stripeCustomer: boolean;
}
