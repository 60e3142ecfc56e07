// Slack's published limits, as the dispatcher keeps them for this adapter.
import type { PlatformLimits } from '../../core/delivery/chat-platform';

/** chat.postMessage's route in `perRoute`, bucketed per workspace by `routeOf`. */
export const POST_ROUTE = 'chat.postMessage';

/**
 * chat.postMessage: about one message a second per channel (Slack allows short bursts), and a limit
 * per app per workspace that Slack does not publish as a number: 100 a minute keeps well under it.
 * The methods other than chat.postMessage we call, with their published tiers (per app per
 * workspace): Tier 3 (50+ a minute) for chat.update, conversations.info and conversations.join,
 * Tier 4 (100+ a minute) for users.info, Tier 2 (20+ a minute) for users.list. A 429 names no scope: it pauses the workspace (errors.ts).
 */
export const SLACK_LIMITS: PlatformLimits = {
  perChat: { limit: 1, windowMs: 1_000 },
  perTenant: { limit: 100, windowMs: 60_000 },
  perRoute: {
    [POST_ROUTE]: { limit: 100, windowMs: 60_000 },
    'chat.update': { limit: 50, windowMs: 60_000 },
    'conversations.info': { limit: 50, windowMs: 60_000 },
    'conversations.join': { limit: 50, windowMs: 60_000 },
    'users.info': { limit: 100, windowMs: 60_000 },
    'users.list': { limit: 20, windowMs: 60_000 },
  },
  retryAfterScopes: ['tenant'],
};
