import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { TELEGRAM_LIMITS } from './limits';
import { TelegramPlatform } from './platform';

describe('Telegram limits', () => {
  it('stay under what Telegram publishes: 30/s overall, 1/s per chat, 20/min per group; its 429s name the chat', () => {
    expect(TELEGRAM_LIMITS).toEqual({
      overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 }, retryAfterScopes: ['chat'],
    });
    expect(new TelegramPlatform({ api: new Api('123456:unused', { apiRoot: 'http://127.0.0.1:1' }) }).defaultLimits).toBe(TELEGRAM_LIMITS);
  });
});
