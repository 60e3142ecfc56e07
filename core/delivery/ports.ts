// The delivery outbox as the engine sees it; db/stores/delivery-store.ts implements it on SQLite.
import type { PermanentReason } from '../errors';
import type { ContentKind, PlatformName, Recipient } from '../types';

/** A store call's result, now or later (SQLite answers at once; a networked database would not). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * 'waiting': planned, but its content is not written yet (a rationale while the model writes it);
 * never claimed until its content's writer makes it 'pending'.
 */
export type DeliveryState = 'waiting' | 'pending' | 'held' | 'sending' | 'sent' | 'dead' | 'skipped' | 'expired' | 'superseded';

/** A due delivery with what is needed to send it: its destination's address and whether it is a group. */
export interface DueDelivery {
  id: number;
  contentType: string;
  contentId: string;
  kind: ContentKind;
  destinationId: string;
  accountId: string | null;
  platform: PlatformName;
  recipientKey: string;
  recipient: Recipient;
  isGroup: boolean;
  priority: number;
  dueAt: number;
  attempts: number;
  /** Send it protected from forwarding and saving (the plan's protectContent); absent: false. */
  protectContent?: boolean | undefined;
}

/** Where a page of due deliveries ends, to read the next page after it. */
export interface DueCursor {
  priority: number;
  dueAt: number;
  id: number;
}

/**
 * The order due rows come in: priorities always ascending (paid real-time first); within one,
 * 'oldest' is due_at then id ascending, 'newest' is due_at then id descending.
 */
export type DueOrder = 'oldest' | 'newest';

export interface DueQuery {
  now: number;
  /** Only these platforms (those with an adapter and not paused). */
  platforms: readonly PlatformName[];
  limit: number;
  /** Rows after this one in `order`. */
  after?: DueCursor | undefined;
  /** Default 'oldest'. */
  order?: DueOrder | undefined;
}

/** Pending rows of a platform marked 'expired' by one sweep. */
export interface ExpiredCount {
  platform: PlatformName;
  count: number;
}

/** The due time of the oldest due, pending alert of a platform (as far as a bounded read sees). */
export interface OldestPendingAlert {
  platform: string;
  dueAt: number;
}

/** The outcome of one send, written by `recordResults`. `at` is when it was known. */
export type DeliveryResult =
  | { type: 'sent'; id: number; at: number; platformMessageId: string }
  /** A temporary failure: pending again at `dueAt` with `attempts`. */
  | { type: 'retry'; id: number; at: number; dueAt: number; attempts: number; error: string; errorCode: string }
  /** The platform asked to wait: pending again at `dueAt`, attempts unchanged. */
  | { type: 'rate_limited'; id: number; at: number; dueAt: number; error: string; errorCode: string }
  /** The content is not ready yet (its alert is still on its way): pending again at `dueAt`, attempts unchanged. */
  | { type: 'deferred'; id: number; at: number; dueAt: number; reason: string }
  /** The content no longer wants sending here (its alert never reached this destination): skipped with `reason`. */
  | { type: 'skipped'; id: number; at: number; reason: string }
  /** Out of attempts, or content that cannot be sent. */
  | { type: 'dead'; id: number; at: number; attempts: number; error: string; errorCode: string }
  /** The platform will never accept it: the delivery is dead and its destination disabled. */
  | {
      type: 'permanent';
      id: number;
      at: number;
      attempts: number;
      destinationId: string;
      platform: PlatformName;
      recipientKey: string;
      reason: PermanentReason;
      error: string;
      errorCode: string;
    };

/** A delivery found in 'sending' at start: it may have reached the platform already. */
export interface RecoveredDelivery {
  id: number;
  platform: string;
  recipientKey: string;
  contentId: string;
  kind: string;
  claimedAt: number | null;
}

export interface DeadDelivery {
  id: number;
  platform: string;
  recipientKey: string;
  destinationId: string;
  destinationEnabled: boolean;
  contentType: string;
  contentId: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  lastErrorCode: string | null;
  /** When it died. */
  updatedAt: number;
}

export interface RetryDeadResult {
  /** Deliveries put back to pending. */
  retried: number;
  /** Of those, how many belong to a disabled destination: they wait until it is enabled again. */
  disabledDestination: number;
  /** Alerts held again for a retried quiet-hours digest: they go in it, not one by one (not counted in retried). */
  heldAgain: number;
}

export interface QueueCount {
  platform: string;
  state: DeliveryState;
  count: number;
}

/**
 * The outbox. Claiming marks rows 'sending' and commits before anything is
 * sent; results are written in batches. A row is 'sent' only after the
 * platform accepted it.
 */
export interface DeliveryStore {
  /**
   * Pending deliveries due by `now`, not past their `expires_at`, whose destination is enabled, by
   * priority, then due time and id in the query's order. Reads only.
   */
  findDue(query: DueQuery): MaybePromise<DueDelivery[]>;
  /**
   * Marks pending rows due by `now` whose `expires_at` is at or before `now` 'expired' (cap fields
   * cleared: they no longer count toward a daily cap), at most `limit` rows per call; returns how
   * many per platform.
   */
  expireDue(now: number, limit: number): MaybePromise<ExpiredCount[]>;
  /**
   * Per platform, the due time of the oldest pending alert due by `now` and not expired, among the
   * first `perPriority` due rows of each priority (a bounded read, for the metrics scrape).
   */
  oldestPendingAlerts(now: number, perPriority: number): MaybePromise<OldestPendingAlert[]>;
  /**
   * Marks these pending rows 'sending' and commits before anything is sent;
   * returns the ids it claimed. `results` waiting to be written go in the
   * same transaction (one commit instead of two).
   */
  claim(ids: readonly number[], now: number, results?: readonly DeliveryResult[]): MaybePromise<number[]>;
  /** The earliest due time after `after` of a pending delivery for these platforms with an enabled destination. */
  nextDueAt(platforms: readonly PlatformName[], after: number): MaybePromise<number | undefined>;
  /** Writes a batch of outcomes in one transaction. */
  recordResults(results: readonly DeliveryResult[]): MaybePromise<void>;
  /** Puts rows left in 'sending' by a crash back to pending and returns them (each may be a duplicate). */
  recoverInFlight(now: number): MaybePromise<RecoveredDelivery[]>;
  listDead(options: { limit: number; platform?: PlatformName | undefined }): MaybePromise<DeadDelivery[]>;
  /** Dead deliveries back to pending, attempts 0, due now. */
  retryDead(ids: readonly number[] | 'all', now: number): MaybePromise<RetryDeadResult>;
  countByPlatformAndState(): MaybePromise<QueueCount[]>;
}
