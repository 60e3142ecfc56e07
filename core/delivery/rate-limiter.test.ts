import { describe, expect, it } from 'vitest';
import type { PlatformLimits } from './chat-platform';
import { seededRandom } from '../../sandbox/testchat/random';
import { RateLimiter, type Grant, type SendKey } from './rate-limiter';

const limits: PlatformLimits = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  retryAfterScopes: ['chat', 'global'],
};

/** A send to chat `key` (a group when `isGroup`), with a tenant and a route bucket when given. */
function k(key: string, isGroup = false, more: Omit<SendKey, 'chat' | 'isGroup'> = {}): SendKey {
  return { chat: key, isGroup, ...more };
}

/** The most times that fall in any half-open interval [x, x + windowMs). */
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

/** A send that starts at `now` and is answered at `answeredAt` (at once by default). */
function send(limiter: RateLimiter, key: string | SendKey, isGroup: boolean, now: number, answeredAt = now): boolean {
  const a = limiter.tryAcquire(typeof key === 'string' ? k(key, isGroup) : key, now);
  if (!a.ok) return false;
  if (!a.grant.start(now)) {
    a.grant.cancel();
    return false;
  }
  a.grant.finish(answeredAt);
  return true;
}

describe('RateLimiter', () => {
  it('never lets more than a window allows arrive in any interval, whatever the latency, under bursty input', () => {
    const random = seededRandom(7);
    const limiter = new RateLimiter(limits);
    const arrivals: { key: string; at: number; start: number }[] = [];
    const inFlight: { grant: Grant; answerAt: number }[] = [];
    const chats = Array.from({ length: 60 }, (_, i) => ({ key: `c${i}`, isGroup: i % 4 === 0 }));
    let now = 0;
    for (let step = 0; step < 6_000; step++) {
      now += random() < 0.7 ? 0 : Math.floor(random() * 60);
      for (const f of inFlight.filter((x) => x.answerAt <= now)) f.grant.finish(f.answerAt);
      inFlight.splice(0, inFlight.length, ...inFlight.filter((x) => x.answerAt > now));
      const chat = chats[Math.floor(random() * chats.length)]!;
      const a = limiter.tryAcquire(k(chat.key, chat.isGroup), now);
      if (!a.ok || !a.grant.start(now)) continue;
      // Latency up to 300 ms; the platform sees the send anywhere between start and answer.
      const answerAt = now + Math.floor(random() * 300);
      arrivals.push({ key: chat.key, start: now, at: now + Math.floor(random() * (answerAt - now + 1)) });
      inFlight.push({ grant: a.grant, answerAt });
    }
    expect(arrivals.length).toBeGreaterThan(300);
    expect(maxInAnyWindow(arrivals.map((a) => a.at), 1_000)).toBeLessThanOrEqual(30);
    expect(maxInAnyWindow(arrivals.map((a) => a.start), 1_000)).toBeLessThanOrEqual(30);
    for (const chat of chats) {
      const mine = arrivals.filter((a) => a.key === chat.key).map((a) => a.at);
      expect(maxInAnyWindow(mine, 1_000)).toBeLessThanOrEqual(1);
      if (chat.isGroup) expect(maxInAnyWindow(mine, 60_000)).toBeLessThanOrEqual(20);
    }
  });

  it('sustains the full rate under constant demand when answers come within the margin', () => {
    const limiter = new RateLimiter(limits);
    let sent = 0;
    for (let now = 0; now < 10_000; now++) {
      for (let i = 0; i < 5; i++) if (send(limiter, `c${now}-${i}`, false, now, now + 15)) sent++;
    }
    // Bursts of 30 at 0, 1020, ..., 9180: ten windows of 1 s plus the 20 ms margin.
    expect(sent).toBe(300);
  });

  it('says exactly how long to wait for the overall window and for one chat', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 2, windowMs: 1_000 } }, { marginRatio: 0, minMarginMs: 0 });
    expect(send(limiter, 'a', false, 0)).toBe(true);
    expect(send(limiter, 'b', false, 300)).toBe(true);
    expect(limiter.tryAcquire(k('c', false), 500)).toEqual({ ok: false, waitMs: 500, scope: 'global' });
    expect(limiter.platformWaitMs(999)).toBe(1);
    expect(limiter.check(k('a', false), 1_000)).toEqual({ ok: true });
    expect(send(limiter, 'a', false, 1_000)).toBe(true);
    expect(limiter.tryAcquire(k('a', false), 1_400)).toEqual({ ok: false, waitMs: 600, scope: 'chat' });
  });

  it('adds a margin of 2% of the window, at least 5 ms, by default', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 100, windowMs: 100 }, perChat: { limit: 1, windowMs: 1_000 } });
    expect(send(limiter, 'a', false, 0)).toBe(true);
    expect(limiter.check(k('a', false), 1_000)).toEqual({ ok: false, waitMs: 20, scope: 'chat' });
    for (let i = 0; i < 99; i++) send(limiter, `x${i}`, false, 0);
    expect(limiter.platformWaitMs(100)).toBe(5);
  });

  it('counts a slow send from its answer, less the margin, because it may have arrived that late', () => {
    const limiter = new RateLimiter(limits);
    expect(send(limiter, 'a', false, 0, 15)).toBe(true);
    expect(limiter.check(k('a', false), 0)).toEqual({ ok: false, waitMs: 1_020, scope: 'chat' });
    expect(send(limiter, 'b', false, 0, 300)).toBe(true);
    // Stamped at 300 - 20 = 280: free again at 280 + 1020.
    expect(limiter.check(k('b', false), 1_000)).toEqual({ ok: false, waitMs: 300, scope: 'chat' });
  });

  it('holds a slot while a send is in flight and says when a waiting send may look again', () => {
    const limiter = new RateLimiter(limits);
    const first = limiter.tryAcquire(k('a', false), 0);
    expect(first.ok && first.grant.start(0)).toBe(true);
    // Only the answer can free the chat: a full span is the fallback, the finish says someone waits.
    expect(limiter.tryAcquire(k('a', false), 5_000)).toEqual({ ok: false, waitMs: 1_020, scope: 'chat' });
    expect(first.ok && first.grant.finish(5_010)).toBe(true);
    expect(limiter.check(k('a', false), 5_010)).toEqual({ ok: false, waitMs: 1_000, scope: 'chat' });
  });

  it('frees the slot of a send that never went out', () => {
    const limiter = new RateLimiter(limits);
    const a = limiter.tryAcquire(k('a', false), 0);
    expect(a.ok && a.grant.cancel()).toBe(false);
    expect(limiter.check(k('a', false), 0)).toEqual({ ok: true });
  });

  it('applies the group window on top of the per-chat window for group chats only', () => {
    const limiter = new RateLimiter({ ...limits, perChat: { limit: 5, windowMs: 1_000 }, perGroup: { limit: 2, windowMs: 10_000 } }, { marginRatio: 0, minMarginMs: 0 });
    expect(send(limiter, 'group', true, 0)).toBe(true);
    expect(send(limiter, 'group', true, 1)).toBe(true);
    expect(limiter.tryAcquire(k('group', true), 2)).toEqual({ ok: false, waitMs: 9_998, scope: 'chat' });
    expect(send(limiter, 'person', false, 2)).toBe(true);
    expect(send(limiter, 'person', false, 3)).toBe(true);
    expect(send(limiter, 'person', false, 4)).toBe(true);
  });

  it('keeps a chat in penalty waiting without blocking other chats', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('chat', k('slow'), 5_000);
    expect(limiter.tryAcquire(k('slow', false), 1_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'chat' });
    expect(send(limiter, 'other', false, 1_000)).toBe(true);
    expect(send(limiter, 'slow', false, 5_000)).toBe(true);
  });

  it('pauses every chat while the platform is in penalty', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('global', k('any'), 3_000);
    expect(limiter.tryAcquire(k('a', false), 1_000)).toEqual({ ok: false, waitMs: 2_000, scope: 'global' });
    expect(limiter.tryAcquire(k('b', true), 2_999)).toEqual({ ok: false, waitMs: 1, scope: 'global' });
    expect(send(limiter, 'a', false, 3_000)).toBe(true);
  });

  it('never shortens a penalty that is already longer', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('chat', k('a'), 9_000);
    limiter.penalize('chat', k('a'), 2_000);
    expect(limiter.check(k('a', false), 5_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'chat' });
    expect(limiter.penaltyWaitMs(k('a'), 5_000)).toBe(4_000);
  });

  it('refuses to start a granted send once a penalty covers it', () => {
    const limiter = new RateLimiter(limits);
    const a = limiter.tryAcquire(k('a', false), 0);
    limiter.penalize('chat', k('a'), 1_000);
    expect(a.ok && a.grant.start(10)).toBe(false);
  });

  it('forgets chats whose windows have passed, but not those in flight or in penalty', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 100_000, windowMs: 1_000 } });
    for (let i = 0; i < 5_000; i++) send(limiter, `c${i}`, false, 0);
    const hung = limiter.tryAcquire(k('hung', false), 0);
    expect(hung.ok).toBe(true);
    expect(limiter.trackedChats).toBe(5_001);
    limiter.penalize('chat', k('penalised'), 60_000);
    send(limiter, 'late', false, 5_000);
    expect(limiter.trackedChats).toBe(3);
  });
});
