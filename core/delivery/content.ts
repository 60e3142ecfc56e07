// Turns a delivery row into the message to send: the dispatcher's view; content-registry.ts implements it by content type.
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
