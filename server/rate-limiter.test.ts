import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  it('allows a burst of the per-minute rate, then refuses with the wait until the next token', () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 60, clock });
    for (let i = 0; i < 60; i++) expect(limiter.take('key_a')).toEqual({ allowed: true });
    expect(limiter.take('key_a')).toEqual({ allowed: false, retryAfterMs: 1000 });
  });

  it('refills continuously at the per-minute rate', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 6, clock });
    for (let i = 0; i < 6; i++) limiter.take('k');
    await clock.advance(9_999);
    expect(limiter.take('k').allowed).toBe(false);
    await clock.advance(1);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('keeps one bucket per caller', () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 1, clock });
    expect(limiter.take('key_a').allowed).toBe(true);
    expect(limiter.take('key_a').allowed).toBe(false);
    expect(limiter.take('key_b').allowed).toBe(true);
  });

  it('never holds more than the burst after a long idle time', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketLimiter({ perMinute: 2, clock });
    limiter.take('k');
    await clock.advance(60 * 60_000);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });
});
