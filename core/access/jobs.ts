// Access jobs as core sees them: durable "bring this account's access in line" work, and the store port that keeps it.

/** 'parked': waiting for the platform to change (a role out of the bot's reach), not retried until woken (wakeParked). */
export type AccessJobState = 'pending' | 'running' | 'parked' | 'done' | 'dead';

/** One unit of access work for one account; the reconciler it runs is idempotent, so a job may run again safely. */
export interface AccessJob {
  id: string;
  accountId: string;
  /** What set it off: 'subscription', 'grant', 'revoke', 'billing_reconcile', ... */
  trigger: string;
  /** Who: 'stripe', 'system', 'cli', 'operator:<identity>'. */
  actor: string;
  reason: string | null;
  state: AccessJobState;
  attempts: number;
  /** Milliseconds since the epoch. */
  dueAt: number;
  lastError: string | null;
  /** What the last run did, e.g. "invited telegram:42 to telegram:chat:-1001"; null before a run. */
  outcome: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface NewAccessJob {
  accountId: string;
  trigger: string;
  actor: string;
  reason?: string | null | undefined;
}

/** What enqueue did: a new pending job, or the account's pending one, joined (and made due now). */
export interface EnqueuedJob {
  job: AccessJob;
  coalesced: boolean;
}

/**
 * The access job table. Synchronous: `enqueue` runs inside the caller's database transaction (the
 * subscription change it follows), so the change and its job commit together or not at all.
 */
export interface AccessJobStore {
  /** A pending job for the account, due at `now`; joins the account's pending job when there is one, or wakes its parked one. */
  enqueue(job: NewAccessJob, now: number): EnqueuedJob;
  get(id: string): AccessJob | null;
  /** Marks up to `limit` due pending jobs 'running' (attempts + 1) and returns them, oldest due first. */
  claimDue(now: number, limit: number): AccessJob[];
  /** The earliest due time of a pending job, if any. */
  nextDueAt(): number | undefined;
  complete(id: string, now: number, outcome: string): void;
  /** Pending again at `dueAt`, with the error. */
  retryLater(id: string, now: number, dueAt: number, error: string, outcome: string): void;
  /**
   * Waits for the platform to change (e.g. an admin moves the bot's role): parked, not claimed, its
   * attempts kept, until wakeParked or a new change for the account (enqueue) brings it back.
   */
  park(id: string, now: number, error: string, outcome: string): void;
  /** Parked jobs back to pending, due now, attempts 0 (folded into the account's pending job if it has one). Returns how many. */
  wakeParked(now: number): number;
  /** Out of attempts: dead, with the error; visible and retryable from the CLI. */
  kill(id: string, now: number, error: string, outcome: string): void;
  /** Jobs left 'running' by a crash back to pending (they may run again: the reconciler is idempotent). */
  recoverRunning(now: number): number;
  /** Newest first. */
  list(filter: { states?: readonly AccessJobState[]; limit: number }): AccessJob[];
  /** Dead jobs back to pending, attempts 0, due now; a job whose account already has a pending one is folded into it. Returns how many. */
  retryDead(ids: readonly string[] | 'all', now: number): number;
}
