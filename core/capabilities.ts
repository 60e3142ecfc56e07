// What this running service can actually deliver: built in app/ from what is configured and running, so that no plan sells more.
import type { PlatformName } from './types';

/** The features a plan may list, and whether this running service delivers each. */
export interface Capabilities {
  /** The chat platforms whose bot or sender runs now. */
  platforms: readonly PlatformName[];
  /** Paid plans can be bought (Stripe is configured). */
  payments: boolean;
  /** A rationale writer runs: each alert is followed by its reasoning. */
  rationale: boolean;
  /** The daily snapshot job runs. */
  snapshot: boolean;
  /** The Slack app runs, so an enterprise customer's workspace can get alerts. */
  slackWorkspaces: boolean;
  /** Subscribers get their own API access. */
  subscriberApi: boolean;
}

/** What this version can deliver with the given platforms running and payments on or off: no rationales, snapshots, Slack or subscriber API yet. */
export function currentCapabilities(platforms: readonly PlatformName[], payments: boolean): Capabilities {
  return { platforms, payments, rationale: false, snapshot: false, slackWorkspaces: false, subscriberApi: false };
}
