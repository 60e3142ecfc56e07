// The test platform's send limits (the same windows as Telegram's) and the scopes its 429s name.
import type { PlatformLimits } from '../../core/delivery/chat-platform';

/**
 * 30 messages/s overall, 1/s per chat, 20/min per group chat (ids starting with '-'). Its 429
 * carries a neutral `parameters.scope` (and `bucket` for a route), any of the four: its own limits
 * give 'chat' and 'global'; 'tenant' and 'route' come from injected faults (it has one route, so a
 * route's 429 pauses every send; a tenant's pauses the chats of the recipient's tenant).
 */
export const TESTCHAT_LIMITS: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  retryAfterScopes: ['chat', 'tenant', 'route', 'global'],
};
