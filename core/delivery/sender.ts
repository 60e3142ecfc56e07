// One send: build the message, start within the limits, call the platform, turn the answer into a result.
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ChatPlatform } from './chat-platform';
import type { ContentResolver } from './content';
import { failureOutcome } from './failure';
import type { DeliveryResult, DueDelivery } from './ports';
import type { Grant, RateLimiter, SendKey } from './rate-limiter';
import type { RetryPolicy } from './retry-policy';

/** A claimed delivery with its limiter grant (for `send`: its chat, tenant and route) and the platform that sends it. */
export interface SendJob {
  row: DueDelivery;
  send: SendKey;
  grant: Grant;
  limiter: RateLimiter;
  platform: ChatPlatform;
}

export interface SenderDeps {
  content: ContentResolver;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  retryPolicy: RetryPolicy;
  /** Keeps the outcome for the next batched write. */
  record(result: DeliveryResult): void;
  /** A slot came free that a refused send was waiting for. */
  slotFreed(): void;
  /** A permanent failure: this destination is about to be disabled. */
  disabling(destinationId: string): void;
}

/** Sends one claimed delivery and records what happened; never throws for a platform's answer. */
export async function sendDelivery({ row, send, grant, limiter, platform }: SendJob, deps: SenderDeps): Promise<void> {
  const { clock, metrics } = deps;
  const release = (someoneWaits: boolean) => {
    if (someoneWaits) deps.slotFreed();
  };
  let message;
  try {
    message = await deps.content.resolve(row, clock.now());
  } catch (err) {
    release(grant.cancel());
    fail(row, send, err, limiter, clock.now(), 0, deps);
    return;
  }
  const startedAt = clock.now();
  if (!grant.start(startedAt)) {
    // A retry_after arrived between the claim and now: honour it, it is not an attempt.
    release(grant.cancel());
    const dueAt = startedAt + Math.max(1, limiter.penaltyWaitMs(send, startedAt));
    deps.record({ type: 'rate_limited', id: row.id, at: startedAt, dueAt, error: 'held back by a retry_after', errorCode: 'penalty' });
    return;
  }
  let answeredAt = startedAt;
  try {
    const sent = await platform.send(row.recipient, message);
    answeredAt = clock.now();
    metrics.deliveryAttempt(row.platform, 'sent', answeredAt - startedAt);
    metrics.deliveryLag(row.platform, answeredAt - row.dueAt);
    deps.record({ type: 'sent', id: row.id, at: answeredAt, platformMessageId: sent.messageId });
  } catch (err) {
    answeredAt = clock.now();
    fail(row, send, err, limiter, answeredAt, answeredAt - startedAt, deps);
  } finally {
    release(grant.finish(answeredAt));
  }
}

function fail(row: DueDelivery, send: SendKey, err: unknown, limiter: RateLimiter, at: number, latencyMs: number, deps: SenderDeps): void {
  const { logger, metrics } = deps;
  const { result, outcome, penalty } = failureOutcome(row, err, at, deps.retryPolicy);
  metrics.deliveryAttempt(row.platform, outcome, latencyMs);
  if (penalty) limiter.penalize(penalty.scope, send, penalty.untilMs, penalty.bucket);
  const ids = { deliveryId: row.id, destinationId: row.destinationId, recipientKey: row.recipientKey, platform: row.platform };
  switch (result.type) {
    case 'permanent':
      deps.disabling(row.destinationId);
      logger.warn({ ...ids, reason: result.reason, answer: result.error }, 'destination disabled: the platform refuses it for good');
      break;
    case 'dead':
      logger.warn({ ...ids, attempts: result.attempts, error: result.error },
        result.errorCode === 'content_not_found' ? 'delivery is dead: its content no longer exists' : 'delivery is dead: no attempts left');
      break;
    case 'retry':
      logger.info({ ...ids, attempts: result.attempts, retryAt: result.dueAt, error: result.error }, 'send failed; retrying later');
      break;
    case 'deferred':
      logger.debug({ ...ids, retryAt: result.dueAt, why: result.reason }, 'content not ready; trying again shortly');
      break;
    case 'skipped':
      logger.debug({ ...ids, reason: result.reason }, 'delivery skipped: its content no longer wants sending here');
      break;
    case 'rate_limited':
      logger.debug({ ...ids, scope: penalty?.scope, bucket: penalty?.bucket, retryAt: result.dueAt }, 'rate limited by the platform');
      break;
  }
  deps.record(result);
}
