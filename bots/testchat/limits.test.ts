import { describe, expect, it } from 'vitest';
import { TESTCHAT_LIMITS } from './limits';
import { createTestchatPlatform } from './index';

describe('test platform limits', () => {
  it('mirror Telegram\'s windows (30/s overall, 1/s per chat, 20/min per group); its 429s may name any scope', () => {
    expect(TESTCHAT_LIMITS).toEqual({
      overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 }, retryAfterScopes: ['chat', 'tenant', 'route', 'global'],
    });
    expect(createTestchatPlatform({ url: 'http://127.0.0.1:1', token: 't' }).defaultLimits).toBe(TESTCHAT_LIMITS);
  });
});
