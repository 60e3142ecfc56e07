// Discord's published send limits, as the dispatcher keeps them for this adapter.
import type { PlatformLimits } from '../../core/delivery/chat-platform';

/**
 * 50 requests a second per bot overall; a channel's message route allows 5 per 5 s (Discord's
 * X-RateLimit headers say so per bucket). A 429 names its scope: global, or the route's bucket.
 */
export const DISCORD_LIMITS: PlatformLimits = {
  overall: { limit: 50, windowMs: 1_000 },
  perChat: { limit: 5, windowMs: 5_000 },
  perGroup: { limit: 5, windowMs: 5_000 },
  retryAfterScopes: ['route', 'global'],
};
