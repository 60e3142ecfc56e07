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
  it('gives a send of two requests two slots of the overall window, and its chat one', () => {
    const limiter = new RateLimiter({ overall: { limit: 3, windowMs: 1_000 }, perChat: { limit: 5, windowMs: 1_000 }, retryAfterScopes: ['global'] });
    expect(send(limiter, k('a', false, { requests: 2 }), false, 0)).toBe(true);
    // One slot is left: a one-request send fits, another two-request send waits for the window.
    expect(limiter.check(k('b', false, { requests: 2 }), 1)).toMatchObject({ ok: false, scope: 'global' });
    expect(send(limiter, 'c', false, 1)).toBe(true);
    expect(send(limiter, k('a', false, { requests: 2 }), false, 2)).toBe(false);
    const later = 1_000 + 30;
    expect(send(limiter, k('a', false, { requests: 2 }), false, later)).toBe(true);
  });

  it('holds both slots of a two-request send while it is in flight', () => {
    const limiter = new RateLimiter({ overall: { limit: 2, windowMs: 1_000 }, retryAfterScopes: ['global'] });
    const a = limiter.tryAcquire(k('a', false, { requests: 2 }), 0);
    expect(a.ok).toBe(true);
    expect(limiter.tryAcquire(k('b'), 0).ok).toBe(false);
    if (a.ok) a.grant.cancel();
    expect(limiter.tryAcquire(k('b'), 0).ok).toBe(true);
  });

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

  it('a chat-scoped 429 pauses that chat only, not the rest of its tenant or its route bucket', () => {
    const limiter = new RateLimiter(limits);
    const route = { route: 'post', bucket: 'post@w1' };
    limiter.penalize('chat', k('w1-a', false, { tenant: 'w1', route }), 5_000);
    expect(limiter.tryAcquire(k('w1-a', false, { tenant: 'w1', route }), 1_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'chat' });
    expect(send(limiter, k('w1-b', false, { tenant: 'w1', route }), false, 1_000)).toBe(true);
  });

  it('a tenant-scoped 429 pauses every chat of that workspace and no other', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('tenant', k('w1-a', false, { tenant: 'w1' }), 5_000);
    expect(limiter.tryAcquire(k('w1-a', false, { tenant: 'w1' }), 1_000)).toEqual({ ok: false, waitMs: 4_000, scope: 'tenant' });
    expect(limiter.tryAcquire(k('w1-group', true, { tenant: 'w1' }), 4_999)).toEqual({ ok: false, waitMs: 1, scope: 'tenant' });
    expect(limiter.penaltyWaitMs(k('w1-b', false, { tenant: 'w1' }), 2_000)).toBe(3_000);
    expect(send(limiter, k('w2-a', false, { tenant: 'w2' }), false, 1_000)).toBe(true);
    expect(send(limiter, 'no-tenant', false, 1_000)).toBe(true);
    expect(send(limiter, k('w1-b', false, { tenant: 'w1' }), false, 5_000)).toBe(true);
  });

  it('a tenant-scoped 429 for a recipient with no tenant pauses the whole platform, the safe side', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('tenant', k('a'), 2_000);
    expect(limiter.tryAcquire(k('b', false, { tenant: 'w2' }), 1_000)).toEqual({ ok: false, waitMs: 1_000, scope: 'global' });
  });

  it('a route-scoped 429 pauses every send through that bucket, in any chat, and no other bucket', () => {
    const limiter = new RateLimiter(limits);
    const w1 = { route: 'post', bucket: 'post@w1' };
    limiter.penalize('route', k('a', false, { tenant: 'w1', route: w1 }), 3_000);
    expect(limiter.tryAcquire(k('b', false, { tenant: 'w1', route: w1 }), 1_000)).toEqual({ ok: false, waitMs: 2_000, scope: 'route' });
    expect(send(limiter, k('c', false, { tenant: 'w2', route: { route: 'post', bucket: 'post@w2' } }), false, 1_000)).toBe(true);
    expect(send(limiter, k('d', false, { tenant: 'w1', route: { route: 'invite', bucket: 'invite@w1' } }), false, 1_000)).toBe(true);
    expect(send(limiter, k('b', false, { tenant: 'w1', route: w1 }), false, 3_000)).toBe(true);
  });

  it('a route-scoped 429 also pauses the bucket it names, and pauses every send when the adapter names no routes', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('route', k('a'), 3_000, 'learnt-bucket');
    // Without a route of its own, every send is the platform's one default bucket.
    expect(limiter.tryAcquire(k('b'), 1_000)).toEqual({ ok: false, waitMs: 2_000, scope: 'route' });
    expect(limiter.tryAcquire(k('c', false, { route: { route: 'post', bucket: 'learnt-bucket' } }), 1_000)).toEqual({ ok: false, waitMs: 2_000, scope: 'route' });
    expect(send(limiter, k('d', false, { route: { route: 'post', bucket: 'other' } }), false, 1_000)).toBe(true);
  });

  it('a global 429 pauses the whole platform, every tenant and bucket', () => {
    const limiter = new RateLimiter(limits);
    limiter.penalize('global', k('a', false, { tenant: 'w1' }), 2_000);
    expect(limiter.tryAcquire(k('b', false, { tenant: 'w2', route: { route: 'post', bucket: 'p' } }), 1_500)).toEqual({ ok: false, waitMs: 500, scope: 'global' });
    expect(limiter.platformWaitMs(1_500)).toBe(500);
  });

  it('refuses to start a granted send once a tenant or route penalty covers it', () => {
    const limiter = new RateLimiter(limits);
    const route = { route: 'post', bucket: 'post@w1' };
    const a = limiter.tryAcquire(k('a', false, { tenant: 'w1' }), 0);
    const b = limiter.tryAcquire(k('b', false, { route }), 0);
    limiter.penalize('tenant', k('other', false, { tenant: 'w1' }), 1_000);
    limiter.penalize('route', k('other', false, { route }), 1_000);
    expect(a.ok && a.grant.start(10)).toBe(false);
    expect(b.ok && b.grant.start(10)).toBe(false);
  });

  it('keeps each tenant and each route bucket under its declared window, under bursty input', () => {
    const random = seededRandom(11);
    const limiter = new RateLimiter(
      { overall: { limit: 50, windowMs: 1_000 }, perTenant: { limit: 8, windowMs: 1_000 }, perChat: { limit: 5, windowMs: 5_000 }, perRoute: { post: { limit: 3, windowMs: 1_000 } }, retryAfterScopes: ['chat', 'tenant', 'route', 'global'] },
    );
    const arrivals: { tenant: string; bucket: string | undefined; at: number }[] = [];
    let now = 0;
    for (let step = 0; step < 4_000; step++) {
      now += random() < 0.6 ? 0 : Math.floor(random() * 40);
      const tenant = `w${Math.floor(random() * 4)}`;
      const chat = `${tenant}-c${Math.floor(random() * 30)}`;
      // Half of the sends go through a per-tenant 'post' bucket, the rest through a route with no window.
      const route = random() < 0.5 ? { route: 'post', bucket: `post@${tenant}` } : { route: 'other', bucket: `other@${tenant}` };
      const a = limiter.tryAcquire(k(chat, false, { tenant, route }), now);
      if (!a.ok || !a.grant.start(now)) continue;
      const answeredAt = now + Math.floor(random() * 100);
      a.grant.finish(answeredAt);
      arrivals.push({ tenant, bucket: route.route === 'post' ? route.bucket : undefined, at: now + Math.floor(random() * (answeredAt - now + 1)) });
    }
    expect(arrivals.length).toBeGreaterThan(300);
    expect(maxInAnyWindow(arrivals.map((a) => a.at), 1_000)).toBeLessThanOrEqual(50);
    for (const tenant of ['w0', 'w1', 'w2', 'w3']) {
      expect(maxInAnyWindow(arrivals.filter((a) => a.tenant === tenant).map((a) => a.at), 1_000)).toBeLessThanOrEqual(8);
      expect(maxInAnyWindow(arrivals.filter((a) => a.bucket === `post@${tenant}`).map((a) => a.at), 1_000)).toBeLessThanOrEqual(3);
    }
    // The tenant window, not the chats', is what holds: each tenant gets about its 8 a second.
    expect(maxInAnyWindow(arrivals.filter((a) => a.tenant === 'w0').map((a) => a.at), 1_000)).toBe(8);
  });

  it('forgets tenants and route buckets whose windows have passed, but not those in penalty', () => {
    const limiter = new RateLimiter({ ...limits, overall: { limit: 100_000, windowMs: 1_000 }, perTenant: { limit: 100, windowMs: 1_000 }, perRoute: { post: { limit: 100, windowMs: 1_000 } } });
    for (let i = 0; i < 50; i++) send(limiter, k(`c${i}`, false, { tenant: `w${i}`, route: { route: 'post', bucket: `p${i}` } }), false, 0);
    expect(limiter.trackedScopes).toEqual({ tenants: 50, routes: 50 });
    limiter.penalize('tenant', k('x', false, { tenant: 'held' }), 60_000);
    limiter.penalize('route', k('x', false, { route: { route: 'post', bucket: 'held' } }), 60_000);
    send(limiter, 'late', false, 5_000);
    expect(limiter.trackedScopes).toEqual({ tenants: 1, routes: 1 });
  });
});

describe('the platform capacity', () => {
  it('counts the sends the overall window admits now: none in flight or still in the window, all once the window passed', () => {
    const limiter = new RateLimiter({ overall: { limit: 5, windowMs: 1_000 }, retryAfterScopes: ['global'] }, { marginRatio: 0, minMarginMs: 0 });
    expect(limiter.platformCapacity(0)).toBe(5);
    for (let i = 0; i < 3; i++) expect(send(limiter, `c${i}`, false, 10 * i)).toBe(true);
    const inFlight = limiter.tryAcquire(k('c9'), 30);
    expect(inFlight.ok).toBe(true);
    expect(limiter.platformCapacity(30)).toBe(1);
    // The first send (stamped 0) leaves the window at 1,000; the others at 1,010 and 1,020.
    expect(limiter.platformCapacity(1_000)).toBe(2);
    expect(limiter.platformCapacity(1_020)).toBe(4);
    expect(limiter.platformCapacity(5_000)).toBe(4);
  });

  it('is unbounded without an overall window and zero under a platform-wide penalty', () => {
    const free = new RateLimiter({ perChat: { limit: 1, windowMs: 1_000 }, retryAfterScopes: ['chat'] });
    expect(free.platformCapacity(0)).toBe(Infinity);
    const limiter = new RateLimiter({ overall: { limit: 5, windowMs: 1_000 }, retryAfterScopes: ['global'] });
    limiter.penalize('global', k('c1'), 2_000);
    expect(limiter.platformCapacity(1_000)).toBe(0);
    expect(limiter.platformCapacity(2_000)).toBe(5);
  });
});
