import { describe, expect, it } from 'vitest';
import type { PlatformLimits } from './chat-platform';
import { RateLimiter } from './rate-limiter';

const limits: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
};

/** A small deterministic random source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The most sends that start in any half-open interval [x, x + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function admit(limiter: RateLimiter, key: string, isGroup: boolean, now: number): boolean {
  const a = limiter.tryAcquire(key, isGroup, now);
  return a.ok && a.grant.start(now);
}

describe('RateLimiter', () => {
  it('never lets more than a window allows start in any interval, under bursty input', () => {
    const random = seeded(7);
    const limiter = new RateLimiter(limits);
    const starts: number[] = [];
    const byChat = new Map<string, number[]>();
    const chats = Array.from({ length: 60 }, (_, i) => ({ key: `c${i}`, isGroup: i % 4 === 0 }));
    let now = 0;
    for (let step = 0; step < 4_000; step++) {
      // Bursts: sometimes time stands still while many sends are asked for, sometimes it jumps.
      now += random() < 0.7 ? 0 : Math.floor(random() * 120);
      const chat = chats[Math.floor(random() * chats.length)]!;
      if (admit(limiter, chat.key, chat.isGroup, now)) {
        starts.push(now);
        byChat.set(chat.key, [...(byChat.get(chat.key) ?? []), now]);
      }
    }
    expect(starts.length).toBeGreaterThan(300);
    // The margin (2% of the window, at least 5 ms) is kept too.
    expect(maxInAnyWindow(starts, 1_020)).toBeLessThanOrEqual(30);
    for (const [key, times] of byChat) {
      expect(maxInAnyWindow(times, 1_020)).toBe(1);
      if (chats.find((c) => c.key === key)!.isGroup) expect(maxInAnyWindow(times, 61_200)).toBeLessThanOrEqual(20);
    }
  });

  it('sustains the full rate under constant demand', () => {
    const limiter = new RateLimiter(limits);
    let sent = 0;
    for (let now = 0; now < 10_000; now++) {
      for (let i = 0; i < 5; i++) if (admit(limiter, `c${now}-${i}`, false, now)) sent++;
    }
    // Bursts of 30 at 0, 1020, ..., 9180: ten windows of 1 s plus the 20 ms margin.
    expect(sent).toBe(300);
  });

  it('says exactly how long to wait for the overall window and for one chat', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 2, windowMs: 1_000 } }, { marginRatio: 0, minMarginMs: 0 });
    expect(admit(limiter, 'a', false, 0)).toBe(true);
    expect(admit(limiter, 'b', false, 300)).toBe(true);
    expect(limiter.tryAcquire('c', false, 500)).toEqual({ ok: false, waitMs: 500, scope: 'platform' });
    expect(limiter.platformWaitMs(999)).toBe(1);
    expect(limiter.check('a', false, 1_000)).toEqual({ ok: true });
    expect(admit(limiter, 'a', false, 1_000)).toBe(true);
    expect(limiter.tryAcquire('a', false, 1_400)).toEqual({ ok: false, waitMs: 600, scope: 'chat' });
  });

  it('adds a margin of 2% of the window, at least 5 ms, by default', () => {
    const limiter = new RateLimiter({ overall: { limit: 100, windowMs: 100 }, perChat: { limit: 1, windowMs: 1_000 }, perGroup: limits.perGroup });
    expect(admit(limiter, 'a', false, 0)).toBe(true);
    expect(limiter.check('a', false, 1_000)).toEqual({ ok: false, waitMs: 20, scope: 'chat' });
    for (let i = 0; i < 99; i++) admit(limiter, `x${i}`, false, 0);
    expect(limiter.platformWaitMs(100)).toBe(5);
  });

  it('applies the group window on top of the per-chat window for group chats only', () => {
    const limiter = new RateLimiter({ ...limits, perChat: { limit: 5, windowMs: 1_000 }, perGroup: { limit: 2, windowMs: 10_000 } }, { marginRatio: 0, minMarginMs: 0 });
    expect(admit(limiter, 'group', true, 0)).toBe(true);
    expect(admit(limiter, 'group', true, 1)).toBe(true);
    expect(limiter.tryAcquire('group', true, 2)).toEqual({ ok: false, waitMs: 9_998, scope: 'chat' });
    expect(admit(limiter, 'person', false, 2)).toBe(true);
    expect(admit(limiter, 'person', false, 3)).toBe(true);
    expect(admit(limiter, 'person', false, 4)).toBe(true);
  });

  it('keeps a chat in penalty waiting without blocking other chats', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalizeChat('slow', 5_000);
    expect(limiter.tryAcquire('slow', false, 1_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'chat' });
    expect(admit(limiter, 'other', false, 1_000)).toBe(true);
    expect(admit(limiter, 'slow', false, 5_000)).toBe(true);
  });

  it('pauses every chat while the platform is in penalty', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalizePlatform(3_000);
    expect(limiter.tryAcquire('a', false, 1_000)).toEqual({ ok: false, waitMs: 2_000, scope: 'platform' });
    expect(limiter.tryAcquire('b', true, 2_999)).toEqual({ ok: false, waitMs: 1, scope: 'platform' });
    expect(admit(limiter, 'a', false, 3_000)).toBe(true);
  });

  it('never shortens a penalty that is already longer', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalizeChat('a', 9_000);
    limiter.penalizeChat('a', 2_000);
    expect(limiter.check('a', false, 5_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'chat' });
  });

  it('counts a send from when it really started, not from when it was granted', () => {
    const limiter = new RateLimiter(limits, { marginRatio: 0, minMarginMs: 0 });
    const a = limiter.tryAcquire('a', false, 0);
    expect(a.ok && a.grant.start(40)).toBe(true);
    expect(limiter.check('a', false, 1_000)).toEqual({ ok: false, waitMs: 40, scope: 'chat' });
  });

  it('refuses to start a granted send once a penalty covers it', () => {
    const limiter = new RateLimiter(limits);
    const a = limiter.tryAcquire('a', false, 0);
    limiter.penalizeChat('a', 1_000);
    expect(a.ok && a.grant.start(10)).toBe(false);
  });

  it('forgets chats whose windows have passed', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 100_000, windowMs: 1_000 } });
    for (let i = 0; i < 5_000; i++) admit(limiter, `c${i}`, false, 0);
    expect(limiter.trackedChats).toBe(5_000);
    limiter.penalizeChat('penalised', 60_000);
    admit(limiter, 'late', false, 5_000);
    expect(limiter.trackedChats).toBe(2);
  });
});
