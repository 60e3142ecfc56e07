// Turns a delivery row into the message to send: the dispatcher's view; content-registry.ts implements it by content type.
import { SignalcastError } from '../errors';
import type { OutboundMessage } from '../types';
import type { DueDelivery } from './ports';

/**
 * Builds the OutboundMessage for a delivery at send time. Throws a
 * SignalcastError('not_found') when the content is gone (the delivery is then
 * dead-lettered); any other error is retried like a temporary send failure.
 */
export interface ContentResolver {
  resolve(delivery: DueDelivery, now: number): OutboundMessage | Promise<OutboundMessage>;
}

/**
 * Thrown by a builder whose content must wait for another delivery (an update or a rationale whose
 * alert is still on its way to this destination): the row is pending again in `retryInMs`, and it is
 * not an attempt.
 */
export class ContentNotReadyError extends SignalcastError {
  constructor(message: string, readonly retryInMs: number) {
    super('conflict', message);
    this.name = 'ContentNotReadyError';
  }
}

/**
 * Thrown by a builder whose content no longer wants sending to this destination (an update for an
 * alert that never reached it): the row is skipped with `reason`, nothing is sent, nothing dead-lettered.
 */
export class ContentWithdrawnError extends SignalcastError {
  constructor(readonly reason: string, message: string) {
    super('conflict', message);
    this.name = 'ContentWithdrawnError';
  }
}
