import { describe, expect, it } from 'vitest';
import type { PlatformLimits } from './chat-platform';
import { resolveLimits } from './default-limits';

const declared: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  perRoute: { post: { limit: 5, windowMs: 5_000 }, invite: { limit: 20, windowMs: 60_000 } },
  retryAfterScopes: ['chat', 'route'],
};

describe('resolveLimits', () => {
  it('replace only the windows a setting names', () => {
    const limits = resolveLimits(declared, { overall: { limit: 1_000, windowMs: 1_000 } });
    expect(limits).toEqual({ ...declared, overall: { limit: 1_000, windowMs: 1_000 } });
    expect(resolveLimits(declared, undefined)).toEqual(declared);
  });

  it('adds a window the adapter did not declare, and replaces route windows one route at a time', () => {
    const limits = resolveLimits(declared, { perTenant: { limit: 50, windowMs: 60_000 }, perRoute: { post: { limit: 2, windowMs: 5_000 } } });
    expect(limits.perTenant).toEqual({ limit: 50, windowMs: 60_000 });
    expect(limits.perRoute).toEqual({ post: { limit: 2, windowMs: 5_000 }, invite: { limit: 20, windowMs: 60_000 } });
    expect(limits.retryAfterScopes).toEqual(['chat', 'route']);
  });
});
