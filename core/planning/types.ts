// The planner's language: candidate destinations in, checked recipients (EntitledRecipient) out.
import type { AccountSettings, ChannelFilters } from '../accounts/types';
import type { SubscriptionState } from '../entitlement';
import type { PlansConfig } from '../plans/schema';
import type { Band, PlatformName, Side } from '../types';

/** Lower goes first: paid real-time, then delayed, then snapshots. */
export const DELIVERY_PRIORITY = { paidRealtime: 0, delayed: 10, snapshot: 20 } as const;

/**
 * A rationale's priority: just below its alert's tier, so that every alert due as early goes before
 * any rationale (a burst's later alerts never wait behind the earlier ones' reasoning). Updates keep
 * their alert's priority: a stop is as urgent as the alert.
 */
export function rationalePriority(alertPriority: number): number {
  return alertPriority + 1;
}

/** What planning needs to know about the signal. */
export interface PlanningSignal {
  id: string;
  symbol: string;
  side: Side;
  band: Band;
  /** The signal's own maximum alert age in minutes (it shortens the plan's); absent: the plan's. */
  maxAlertAgeMinutes?: number | undefined;
}

/** An account as planning sees it: its settings and every subscription it has. */
export interface PlanningAccount extends AccountSettings {
  id: string;
  subscriptions: readonly SubscriptionState[];
}

interface CandidateBase {
  destinationId: string;
  platform: PlatformName;
  recipientKey: string;
}

/**
 * A channel or group: gets the content of its plan (null: the free plan), or, when an account owns
 * it (a workspace's chosen channel), whatever that account's entitlement gives, as its direct
 * messages would (see RecipientChecker).
 */
export interface ChannelCandidate extends CandidateBase {
  kind: 'channel';
  /** Read only when no account owns the channel. */
  planId: string | null;
  /** The owning account, the same object as for its other destinations; absent or null: the channel follows planId. */
  owner?: PlanningAccount | null | undefined;
  /** The channel's own filters (symbols, minimum band, sides), applied besides its owner's; absent or null: none. */
  filters?: ChannelFilters | null | undefined;
}

/** Direct messages to one identity; the account's entitlement and settings decide. */
export interface DirectCandidate extends CandidateBase {
  kind: 'direct';
  /** The same object for every destination of one account. Null: an orphan destination. */
  account: PlanningAccount | null;
}

export type Candidate = ChannelCandidate | DirectCandidate;

export interface PlanningContext {
  plans: PlansConfig;
  /** Milliseconds since the epoch: the publish time. */
  now: number;
  /**
   * Distinct signals already planned (not skipped) for this account on the UTC day of `now`.
   * Asked only for accounts whose plan has a daily cap, once per account.
   */
  usageToday(accountId: string): number;
}

/** Why a candidate gets nothing and no row is written. */
export type ExclusionReason =
  | 'no_account'
  | 'unknown_plan'
  | 'plan_no_direct_messages'
  | 'platform_not_in_plan'
  | 'direct_messages_off'
  | 'paused'
  | 'symbol_filter'
  | 'min_band'
  | 'side_filter'
  /** An owned channel on a platform licensed per workspace (Slack), whose owner's plan has no licence there. */
  | 'no_workspace_licence';

export interface Exclusion {
  destinationId: string;
  accountId: string | null;
  reason: ExclusionReason;
}

/** Why a written delivery is skipped at planning. */
export type PlannedSkipReason = 'daily_cap';

declare const checked: unique symbol;

/**
 * A destination that passed the entitlement check for one signal, with its due time and priority
 * (or, over the daily cap, a skipped row to be written so that it is counted). Only
 * `checkRecipients` makes these; the fan-out accepts nothing else.
 */
export type EntitledRecipient = {
  readonly destinationId: string;
  readonly platform: PlatformName;
  readonly recipientKey: string;
  readonly accountId: string | null;
  readonly planId: string;
  readonly paid: boolean;
  readonly priority: number;
  readonly dueAt: number;
  /** The plan's protectContent: sent so that it cannot be forwarded or saved. */
  readonly protectContent: boolean;
  readonly state: 'pending' | 'skipped';
  readonly skipReason: PlannedSkipReason | null;
  /** The due time was moved to the end of the account's quiet hours (the alert is held for the quiet-hours digest). */
  readonly deferred: boolean;
  /**
   * Not sent by then, the alert expires: its due time plus the shorter of the plan's and the signal's maximum age.
   * Null: never (neither sets one, or the row is skipped, or it is held for the quiet-hours digest).
   */
  readonly expiresAt: number | null;
} & { readonly [checked]: true };

/** A subscription the operator must look at (unknown status or plan): delivery went on at the kept plan. */
export interface OperatorAlert {
  accountId: string;
  subscriptionId: string;
  status: string;
  reason: string;
}

export interface RecipientCheck {
  recipients: readonly EntitledRecipient[];
  excluded: readonly Exclusion[];
  /** Recipients in state pending. */
  planned: number;
  /** Recipients in state skipped (daily cap). */
  skipped: number;
  operatorAlerts: readonly OperatorAlert[];
}
