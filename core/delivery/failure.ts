// Turns one failed send into what to record, which penalty to apply and how to count it.
import { isDeliveryError, SignalcastError, type RateLimitScope } from '../errors';
import type { DeliveryOutcome } from '../metrics';
import { ContentNotReadyError, ContentWithdrawnError } from './content';
import type { DeliveryResult, DueDelivery } from './ports';
import type { RetryPolicy } from './retry-policy';

export interface FailureOutcome {
  result: DeliveryResult;
  outcome: DeliveryOutcome;
  /** A retry_after to honour in the limiter, in the scope the platform named (and the bucket, for a route). */
  penalty?: { scope: RateLimitScope; untilMs: number; bucket?: string };
}

/** The error's message and a stable code for the row (the platform's own code when there is one). */
export function describeError(err: unknown): { error: string; errorCode: string } {
  if (isDeliveryError(err)) return { error: err.message, errorCode: err.platformCode ?? err.code };
  if (err instanceof SignalcastError) return { error: err.message, errorCode: err.code };
  return { error: err instanceof Error ? err.message : String(err), errorCode: 'internal' };
}

/**
 * Decides with the retry policy. Content that no longer exists is dead at
 * once (it will not come back, and the destination is not at fault).
 */
export function failureOutcome(row: DueDelivery, err: unknown, at: number, policy: RetryPolicy): FailureOutcome {
  const { error, errorCode } = describeError(err);
  if (err instanceof ContentNotReadyError) {
    return { result: { type: 'deferred', id: row.id, at, dueAt: at + Math.max(1, err.retryInMs), reason: error }, outcome: 'deferred' };
  }
  if (err instanceof ContentWithdrawnError) return { result: { type: 'skipped', id: row.id, at, reason: err.reason }, outcome: 'skipped' };
  if (err instanceof SignalcastError && !isDeliveryError(err) && err.code === 'not_found') {
    return { result: { type: 'dead', id: row.id, at, attempts: row.attempts + 1, error, errorCode: 'content_not_found' }, outcome: 'dead' };
  }
  const decision = policy.decide(err, row.attempts);
  switch (decision.action) {
    case 'wait':
      return {
        result: { type: 'rate_limited', id: row.id, at, dueAt: at + decision.delayMs, error, errorCode },
        outcome: 'rate_limited',
        penalty: decision.bucket === undefined
          ? { scope: decision.scope, untilMs: at + decision.delayMs }
          : { scope: decision.scope, untilMs: at + decision.delayMs, bucket: decision.bucket },
      };
    case 'retry':
      return { result: { type: 'retry', id: row.id, at, dueAt: at + decision.delayMs, attempts: decision.attempts, error, errorCode }, outcome: 'retry' };
    case 'dead':
      return { result: { type: 'dead', id: row.id, at, attempts: decision.attempts, error, errorCode }, outcome: 'dead' };
    case 'disable':
      return {
        result: {
          type: 'permanent', id: row.id, at, attempts: decision.attempts, destinationId: row.destinationId, platform: row.platform,
          recipientKey: row.recipientKey, reason: decision.reason, error, errorCode,
        },
        outcome: 'permanent',
      };
  }
}
