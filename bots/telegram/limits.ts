// Telegram's published send limits (../shared/PLATFORMS.md) as the limiter's windows, and the scope of its 429s.
import type { PlatformLimits } from '../../core/delivery/chat-platform';

/**
 * About 30 messages/s overall, 1/s per chat, 20/min per group; no tenants and no route buckets.
 * Telegram's 429 (`parameters.retry_after`) names no scope, so toDeliveryError reports every one
 * as 'chat': the chat that was refused waits, and the overall window keeps the bot under 30/s.
 */
export const TELEGRAM_LIMITS: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  retryAfterScopes: ['chat'],
};
