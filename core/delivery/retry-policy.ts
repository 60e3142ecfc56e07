// What to do after a failed send: wait for retry_after, retry with backoff, give up, or disable the destination.
import { isDeliveryError, type PermanentReason, type RateLimitScope } from '../errors';

/** The verdict on one failed send. `attempts` is the delivery's attempt count after this send. */
export type RetryDecision =
  /** The platform asked us to wait: not an attempt. `scope` (and, for a route, `bucket`) says who waits. */
  | { action: 'wait'; delayMs: number; attempts: number; scope: RateLimitScope; bucket?: string }
  /** A temporary failure: try again after `delayMs`. */
  | { action: 'retry'; delayMs: number; attempts: number }
  /** The last attempt failed: dead-letter it. */
  | { action: 'dead'; attempts: number }
  /** The platform will never accept it: disable the destination. */
  | { action: 'disable'; attempts: number; reason: PermanentReason };

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Decides after a send that had `attemptsBefore` attempts before it failed with `error`. */
  decide(error: unknown, attemptsBefore: number): RetryDecision;
}

export interface RetryPolicyOptions {
  /** DELIVERY_MAX_ATTEMPTS: attempts before a delivery is dead. */
  maxAttempts: number;
  /** The first backoff ceiling. Default 1 s. */
  baseMs?: number;
  /** The largest backoff. Default 5 min. */
  capMs?: number;
  /** A number in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
  /** Used when a platform says "rate limited" without saying how long. Default 1 s. */
  defaultRetryAfterMs?: number;
}

/** Full jitter: a uniform delay between 0 and min(cap, base * 2^(attempt - 1)). `attempt` is 1-based. */
export function backoffMs(attempt: number, options: { baseMs: number; capMs: number; random: () => number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/** Permanent failures that mean the recipient can never be reached: the destination is disabled. */
const DISABLING_REASONS: ReadonlySet<PermanentReason> = new Set(['blocked', 'chat_not_found', 'forbidden']);

export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const backoff = { baseMs: options.baseMs ?? 1_000, capMs: options.capMs ?? 300_000, random: options.random ?? Math.random };
  const maxAttempts = options.maxAttempts;
  return {
    maxAttempts,
    decide(error, attemptsBefore) {
      if (isDeliveryError(error) && error.kind === 'rate_limited') {
        const delayMs = Math.max(0, error.retryAfterMs ?? options.defaultRetryAfterMs ?? 1_000);
        const wait = { action: 'wait' as const, delayMs, attempts: attemptsBefore, scope: error.scope ?? 'chat' };
        return error.bucket === undefined ? wait : { ...wait, bucket: error.bucket };
      }
      const attempts = attemptsBefore + 1;
      if (isDeliveryError(error) && error.kind === 'permanent') {
        const reason = error.reason ?? 'bad_request';
        // Only the recipient being gone or closed to us disables the destination. A message the platform
        // refuses (bad_request) is this delivery's fault: it dies alone. A refused token (unauthorized)
        // is the whole platform's problem: retry, so fixing the token recovers without re-enabling anyone.
        if (DISABLING_REASONS.has(reason)) return { action: 'disable', attempts, reason };
        if (reason === 'bad_request') return { action: 'dead', attempts };
      }
      // Temporary errors, and anything an adapter failed to classify, count as attempts.
      if (attempts >= maxAttempts) return { action: 'dead', attempts };
      return { action: 'retry', delayMs: backoffMs(attempts, backoff), attempts };
    },
  };
}
