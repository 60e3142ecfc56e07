// Each platform's published send limits (../shared/PLATFORMS.md) and how settings override them.
import type { PlatformName } from '../types';
import type { PlatformLimits } from './chat-platform';

/** Settings that replace some of a platform's limits, as config.ts reads them. */
export type RateOverrides = Partial<Record<PlatformName, Partial<PlatformLimits>>>;

/**
 * Defaults that stay under what each platform publishes.
 * Group limits apply to group chats on top of the per-chat limit.
 */
export const DEFAULT_LIMITS = {
  // About 30 messages/s overall, 1/s per chat, 20/min per group.
  telegram: { overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 } },
  // 50 requests/s per bot; message routes allow 5 per 5 s per channel.
  discord: { overall: { limit: 50, windowMs: 1_000 }, perChat: { limit: 5, windowMs: 5_000 }, perGroup: { limit: 5, windowMs: 5_000 } },
  // chat.postMessage: about 1/s per channel, plus a workspace limit (Tier 3, 50+ a minute).
  slack: { overall: { limit: 50, windowMs: 60_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 1, windowMs: 1_000 } },
  // Unofficial and ban-prone: slow and steady.
  whatsapp: { overall: { limit: 1, windowMs: 2_000 }, perChat: { limit: 1, windowMs: 2_000 }, perGroup: { limit: 1, windowMs: 2_000 } },
  // The sandbox's test platform mirrors Telegram.
  testchat: { overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 } },
} satisfies Record<PlatformName, PlatformLimits>;

/** A platform's limits: its adapter's defaults with any configured window replaced. */
export function resolveLimits(defaults: PlatformLimits, overrides: Partial<PlatformLimits> | undefined): PlatformLimits {
  return {
    overall: overrides?.overall ?? defaults.overall,
    perChat: overrides?.perChat ?? defaults.perChat,
    perGroup: overrides?.perGroup ?? defaults.perGroup,
  };
}
