// The test platform's send limits (the same windows as Telegram's) and the scopes its 429s name.
import type { PlatformLimits } from '../../core/delivery/chat-platform';

/**
 * 30 messages/s overall, 1/s per chat, 20/min per group chat (ids starting with '-'). Its 429
 * carries `parameters.scope`: 'chat' for one chat, 'global' for the whole platform.
 */
export const TESTCHAT_LIMITS: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  retryAfterScopes: ['chat', 'global'],
};
