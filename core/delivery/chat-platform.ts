// The one interface every chat platform adapter implements for sending.
import type { OutboundMessage, PlatformName, Recipient } from '../types';

/** At most `limit` sends in any `windowMs` window. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** A platform's published limits: overall, per chat, and per group chat. */
export interface PlatformLimits {
  overall: RateWindow;
  perChat: RateWindow;
  perGroup: RateWindow;
}

export interface SendResult {
  /** The platform's id of the message it accepted (for later edits and replies). */
  messageId: string;
}

/**
 * A chat platform as the delivery engine sees it.
 * `send` resolves when the platform accepted the message and throws a
 * `DeliveryError` (never an SDK error) when it did not.
 */
export interface ChatPlatform {
  readonly name: PlatformName;
  /** The platform's published limits; settings may lower or raise them. */
  readonly defaultLimits: PlatformLimits;
  send(to: Recipient, message: OutboundMessage): Promise<SendResult>;
}
