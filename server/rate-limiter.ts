// A token bucket per caller (API key or signature source) for the ingest API.
import type { Clock } from '../core/clock';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Callers idle this long are forgotten; a full bucket is what they would have anyway. */
const IDLE_FORGET_MS = 10 * 60_000;

/**
 * Allows `perMinute` requests a minute per caller on average, and bursts of up to
 * `perMinute` at once; refills continuously.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private lastSweep: number;

  constructor(private readonly options: { perMinute: number; clock: Clock; burst?: number }) {
    this.capacity = options.burst ?? options.perMinute;
    this.refillPerMs = options.perMinute / 60_000;
    this.lastSweep = options.clock.now();
  }

  /** Takes one token for `caller`, or says how long until one is available. */
  take(caller: string): RateDecision {
    const now = this.options.clock.now();
    this.sweep(now);
    const bucket = this.buckets.get(caller) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.refillPerMs);
    bucket.updatedAt = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.refillPerMs) };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_FORGET_MS) return;
    this.lastSweep = now;
    for (const [caller, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= IDLE_FORGET_MS) this.buckets.delete(caller);
    }
  }
}
