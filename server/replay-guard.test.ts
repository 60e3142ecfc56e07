import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { ReplayGuard } from './replay-guard';

describe('ReplayGuard', () => {
  it('admits a signature once within its window, and again after a release', () => {
    const clock = new FakeClock(1_000_000);
    const guard = new ReplayGuard({ clock, windowMs: 300_000 });
    expect(guard.claim('t:a', clock.now())).toBe(true);
    expect(guard.claim('t:a', clock.now())).toBe(false);
    guard.release('t:a');
    expect(guard.claim('t:a', clock.now())).toBe(true);
  });

  it('forgets signatures whose window has passed, so memory does not grow with traffic', async () => {
    const clock = new FakeClock(1_000_000);
    const guard = new ReplayGuard({ clock, windowMs: 300_000 });
    for (let i = 0; i < 100; i++) guard.claim(`t:${i}`, clock.now());
    expect(guard.size).toBe(100);
    await clock.advance(300_001);
    guard.claim('t:new', clock.now());
    expect(guard.size).toBe(1);
  });

  it('holds at most maxEntries', () => {
    const clock = new FakeClock(1_000_000);
    const guard = new ReplayGuard({ clock, windowMs: 300_000, maxEntries: 10 });
    for (let i = 0; i < 50; i++) guard.claim(`t:${i}`, clock.now());
    expect(guard.size).toBe(10);
    expect(guard.claim('t:49', clock.now())).toBe(false);
  });
});
