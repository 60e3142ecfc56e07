import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { defaultTelegramLimits, SendLimiter } from './limits';

const dm = { group: false, paid: false };
const group = { group: true, paid: false };

describe('SendLimiter', () => {
  it('lets one message a second into a chat and gives retry_after for the next', async () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter(defaultTelegramLimits, clock);
    expect(limiter.take(1, dm)).toEqual({ ok: true });
    await clock.advance(400);
    expect(limiter.take(1, dm)).toEqual({ ok: false, retryAfter: 1, scope: 'chat' });
    expect(limiter.take(2, dm)).toEqual({ ok: true });
    await clock.advance(1000);
    expect(limiter.take(1, dm)).toEqual({ ok: true });
  });

  it('counts a request that comes before its retry_after ran out as a violation', async () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter(defaultTelegramLimits, clock);
    limiter.take(1, dm);
    limiter.take(1, dm);
    expect(limiter.stats).toMatchObject({ rateLimited: 1, violations: 0 });
    await clock.advance(500);
    expect(limiter.take(1, dm).ok).toBe(false);
    expect(limiter.stats).toMatchObject({ rateLimited: 2, violations: 1 });
    await clock.advance(500);
    expect(limiter.take(1, dm).ok).toBe(true);
    expect(limiter.stats).toMatchObject({ accepted: 2, rateLimited: 2, violations: 1 });
  });

  it('holds a group to 20 messages a minute', async () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter(defaultTelegramLimits, clock);
    for (let i = 0; i < 20; i++) {
      expect(limiter.take(-100, group).ok).toBe(true);
      await clock.advance(1000);
    }
    expect(limiter.take(-100, group)).toEqual({ ok: false, retryAfter: 40, scope: 'chat' });
  });

  it('holds everyone to 30 messages a second, and paid broadcasts to 1000', () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter(defaultTelegramLimits, clock);
    for (let chat = 1; chat <= 30; chat++) expect(limiter.take(chat, dm).ok).toBe(true);
    expect(limiter.take(31, dm)).toEqual({ ok: false, retryAfter: 1, scope: 'global' });

    const paid = new SendLimiter(defaultTelegramLimits, clock);
    let accepted = 0;
    for (let chat = 1; chat <= 1001; chat++) if (paid.take(chat, { group: false, paid: true }).ok) accepted++;
    expect(accepted).toBe(1000);
  });

  it('follows configured windows', () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter({ ...defaultTelegramLimits, perChat: { limit: 3, windowMs: 1000 } }, clock);
    expect([1, 2, 3, 4].map(() => limiter.take(7, dm).ok)).toEqual([true, true, true, false]);
  });

  it('binds a chat to a retry_after given by hand (an injected 429)', async () => {
    const clock = new FakeClock();
    const limiter = new SendLimiter(defaultTelegramLimits, clock);
    limiter.penalize(5, 3);
    await clock.advance(2000);
    expect(limiter.take(5, dm)).toEqual({ ok: false, retryAfter: 1, scope: 'chat' });
    expect(limiter.stats.violations).toBe(1);
    await clock.advance(1000);
    expect(limiter.take(5, dm).ok).toBe(true);
  });
});
