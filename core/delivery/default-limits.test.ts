import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './default-limits';

describe('default limits', () => {
  it('stay under what each platform publishes', () => {
    expect(DEFAULT_LIMITS.telegram).toEqual({ overall: { limit: 30, windowMs: 1_000 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: { limit: 20, windowMs: 60_000 } });
    expect(DEFAULT_LIMITS.discord.overall).toEqual({ limit: 50, windowMs: 1_000 });
    expect(DEFAULT_LIMITS.slack.perChat).toEqual({ limit: 1, windowMs: 1_000 });
    expect(DEFAULT_LIMITS.whatsapp.overall).toEqual({ limit: 1, windowMs: 2_000 });
    expect(DEFAULT_LIMITS.testchat).toEqual(DEFAULT_LIMITS.telegram);
  });

  it('replace only the windows a setting names', () => {
    const limits = resolveLimits(DEFAULT_LIMITS.telegram, { overall: { limit: 1_000, windowMs: 1_000 } });
    expect(limits).toEqual({ ...DEFAULT_LIMITS.telegram, overall: { limit: 1_000, windowMs: 1_000 } });
    expect(resolveLimits(DEFAULT_LIMITS.slack, undefined)).toEqual(DEFAULT_LIMITS.slack);
  });
});
