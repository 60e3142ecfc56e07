// Why an identity cannot join an account: one identity per platform, so two people cannot share one subscription.
import { SignalcastError } from '../errors';
import type { PlatformName } from '../types';

/**
 * The account already holds an identity on this platform (a conflict): linking a second one would let
 * two people on one platform share one subscription. Carries what the message to the person needs.
 */
export class PlatformTakenError extends SignalcastError {
  readonly accountId: string;
  readonly platform: PlatformName;
  /** The identity the account already has on the platform. */
  readonly heldBy: { identityId: string; username: string | null };

  constructor(accountId: string, platform: PlatformName, heldBy: { identityId: string; username: string | null }) {
    super('conflict', `account ${accountId} already has a ${platform} identity (${heldBy.identityId}); an account holds one identity per platform`);
    this.name = 'PlatformTakenError';
    this.accountId = accountId;
    this.platform = platform;
    this.heldBy = heldBy;
  }
}
