// A chat app's installations, one per tenant (a Slack workspace): its bot token, who installed it, and the account it pays as.
import type { PlatformName } from '../types';
import type { Secret } from './secret';

/** Why a tenant's destinations were disabled when its installation was revoked; a reinstall enables exactly these again. */
export const INSTALLATION_REVOKED = 'installation_revoked';

/** The app installed in one tenant. Printing or logging it shows no token (`botToken` is a Secret). */
export interface Installation {
  id: string;
  platform: PlatformName;
  /** The platform's id of the tenant (a Slack team id). */
  tenant: string;
  tenantName: string | null;
  /** The enterprise (an org of several workspaces) the tenant belongs to, where the platform has one. */
  enterpriseId: string | null;
  /** The platform's user id of the app's bot in this tenant. */
  botUserId: string | null;
  scopes: string[];
  /** Who installed it (a platform user id in this tenant). */
  installerPlatformUserId: string | null;
  /** Null when the token is not stored but given in the settings (Slack's single-workspace SLACK_BOT_TOKEN). */
  botToken: Secret | null;
  /** The latest install (a reinstall moves it). */
  installedAt: Date;
  updatedAt: Date;
  /** Set when the app was uninstalled or its token revoked; a reinstall clears it. */
  revokedAt: Date | null;
  revokedReason: string | null;
  /** The account the tenant subscribes as, once it does; kept across reinstalls. */
  accountId: string | null;
}

/** What an install (an OAuth callback) brings. */
export interface NewInstallation {
  platform: PlatformName;
  tenant: string;
  tenantName?: string | null;
  enterpriseId?: string | null;
  botUserId?: string | null;
  scopes: readonly string[];
  installerPlatformUserId?: string | null;
  /** Null: the token stays in the settings (SLACK_BOT_TOKEN) and nothing is sealed, so no SECRETS_KEY is needed. */
  botToken: Secret | null;
  /** Left out on a reinstall: the account already linked stays. */
  accountId?: string | null;
}

/** Which installations to list. */
export interface InstallationFilter {
  platform?: PlatformName;
  /** true: only those not revoked; false: only revoked ones. */
  active?: boolean;
  accountId?: string;
}

/**
 * Installations by (platform, tenant). Tokens are stored only encrypted (db/stores/installation-store.ts
 * seals them with SECRETS_KEY): without a key, save and every read of a token throw
 * SecretsKeyMissingError, and a token sealed under another key throws SecretUnreadableError; revoking
 * needs no key, so an uninstall always takes effect.
 */
export interface InstallationStore {
  /**
   * Stores an install; a reinstall in the same tenant replaces the token, scopes and installer,
   * clears the revocation and, in the same transaction, enables again the tenant's destinations
   * that the revocation disabled (none other).
   */
  save(install: NewInstallation): Promise<Installation>;
  /** The tenant's installation, revoked or not; null when the app was never installed there. */
  get(platform: PlatformName, tenant: string): Promise<Installation | null>;
  /** Oldest install first. */
  list(filter?: InstallationFilter): Promise<Installation[]>;
  /**
   * Marks it revoked (uninstalled, token revoked) and, in the same transaction, disables every
   * enabled destination of the tenant (reason INSTALLATION_REVOKED) and skips their pending
   * deliveries, so nothing is sent or retried with a dead token, nor sent late after a reinstall;
   * false, changing nothing, when there is no active installation.
   */
  markRevoked(platform: PlatformName, tenant: string, reason: string): Promise<boolean>;
  /** Links the tenant to the account it subscribes as; a not_found error when there is no installation. */
  setAccount(platform: PlatformName, tenant: string, accountId: string | null): Promise<Installation>;
  /**
   * Links the tenant to `accountId` only if it has no account yet, in one statement: of two admins
   * racing to make the workspace's account, one wins. Returns the installation with the account it has
   * now (compare it with `accountId`); a not_found error when there is no installation.
   */
  claimAccount(platform: PlatformName, tenant: string, accountId: string): Promise<Installation>;
}
