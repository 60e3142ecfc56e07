import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../errors';
import { backoffMs, createRetryPolicy } from './retry-policy';

const temporary = DeliveryError.temporary('server error', { platformCode: '502' });

describe('retry policy', () => {
  it('backs off exponentially from 1 s with full jitter', () => {
    const policy = createRetryPolicy({ maxAttempts: 8, random: () => 0.5 });
    const delays = [0, 1, 2, 3].map((before) => policy.decide(temporary, before));
    expect(delays).toEqual([
      { action: 'retry', delayMs: 500, attempts: 1 },
      { action: 'retry', delayMs: 1_000, attempts: 2 },
      { action: 'retry', delayMs: 2_000, attempts: 3 },
      { action: 'retry', delayMs: 4_000, attempts: 4 },
    ]);
  });

  it('spreads the delay over the whole range between zero and the ceiling', () => {
    const options = { baseMs: 1_000, capMs: 300_000 };
    expect(backoffMs(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffMs(3, { ...options, random: () => 0.999_999 })).toBe(3_999);
  });

  it('never waits more than the 5 minute cap', () => {
    const policy = createRetryPolicy({ maxAttempts: 100, random: () => 0.999_999 });
    expect(policy.decide(temporary, 30)).toEqual({ action: 'retry', delayMs: 299_999, attempts: 31 });
  });

  it('dead-letters a delivery when its last attempt fails', () => {
    const policy = createRetryPolicy({ maxAttempts: 3, random: () => 0.5 });
    expect(policy.decide(temporary, 1)).toMatchObject({ action: 'retry', attempts: 2 });
    expect(policy.decide(temporary, 2)).toEqual({ action: 'dead', attempts: 3 });
  });

  it('waits for retry_after without counting an attempt', () => {
    const policy = createRetryPolicy({ maxAttempts: 3, random: () => 0.5 });
    expect(policy.decide(DeliveryError.rateLimited('slow down', 7_000, { scope: 'chat' }), 2)).toEqual({ action: 'wait', delayMs: 7_000, attempts: 2, scope: 'chat' });
    expect(policy.decide(DeliveryError.rateLimited('slow down', 2_000, { scope: 'global' }), 0)).toEqual({ action: 'wait', delayMs: 2_000, attempts: 0, scope: 'global' });
  });

  it('passes on the scope a 429 names, and the bucket of a route', () => {
    const policy = createRetryPolicy({ maxAttempts: 3 });
    expect(policy.decide(DeliveryError.rateLimited('slow down', 1_000, { scope: 'tenant' }), 0)).toEqual({ action: 'wait', delayMs: 1_000, attempts: 0, scope: 'tenant' });
    expect(policy.decide(DeliveryError.rateLimited('slow down', 1_000, { scope: 'route', bucket: 'b1' }), 0))
      .toEqual({ action: 'wait', delayMs: 1_000, attempts: 0, scope: 'route', bucket: 'b1' });
  });

  it('stops at once on a permanent error and says why', () => {
    const policy = createRetryPolicy({ maxAttempts: 8 });
    expect(policy.decide(DeliveryError.permanent('Forbidden: bot was blocked by the user', 'blocked'), 0)).toEqual({ action: 'disable', attempts: 1, reason: 'blocked' });
  });

  it('lets a message the platform refuses die alone, keeping its destination', () => {
    const policy = createRetryPolicy({ maxAttempts: 8 });
    expect(policy.decide(DeliveryError.permanent("Bad Request: can't parse entities", 'bad_request'), 0)).toEqual({ action: 'dead', attempts: 1 });
  });

  it('retries a refused token instead of disabling every destination', () => {
    const policy = createRetryPolicy({ maxAttempts: 8, random: () => 0.5 });
    expect(policy.decide(DeliveryError.permanent('Unauthorized', 'unauthorized'), 0)).toEqual({ action: 'retry', delayMs: 500, attempts: 1 });
  });

  it('treats an error no adapter classified as temporary', () => {
    const policy = createRetryPolicy({ maxAttempts: 8, random: () => 0.25 });
    expect(policy.decide(new TypeError('fetch failed'), 0)).toEqual({ action: 'retry', delayMs: 250, attempts: 1 });
  });
});
