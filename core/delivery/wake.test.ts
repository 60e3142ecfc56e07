import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../clock';
import { Wakeup } from './wake';

describe('Wakeup', () => {
  it('sleeps until its time on the clock', async () => {
    const clock = new FakeClock(0);
    const wake = new Wakeup(clock);
    let woke = false;
    const sleeping = wake.sleep(1_000).then(() => (woke = true));
    expect(wake.sleepingUntil).toBe(1_000);
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(wake.sleepingUntil).toBe(Infinity);
  });

  it('wakes early when poked and leaves no sleeper behind', async () => {
    const clock = new FakeClock(0);
    const wake = new Wakeup(clock);
    const sleeping = wake.sleep(60_000);
    wake.poke();
    await sleeping;
    expect(clock.pendingSleepers).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('does not lose a poke that comes while awake', async () => {
    const clock = new FakeClock(0);
    const wake = new Wakeup(clock);
    wake.poke();
    expect(wake.pokePending).toBe(true);
    await wake.sleep(60_000);
    expect(wake.pokePending).toBe(false);
    // The poke is used up: the next sleep waits for its time again.
    let woke = false;
    const sleeping = wake.sleep(10).then(() => (woke = true));
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    await clock.advance(10);
    await sleeping;
  });

  it('ends a long sleep on the system clock when poked', async () => {
    const wake = new Wakeup(systemClock);
    const sleeping = wake.sleep(3_600_000);
    wake.poke();
    await sleeping;
    expect(wake.sleepingUntil).toBe(Infinity);
  });

  it('leaves no abort listener behind after sleeps that end on time', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    for (let i = 0; i < 3; i++) {
      const sleeping = clock.sleep(10, signal);
      await clock.advance(10);
      await sleeping;
    }
    expect(listeners).toBe(0);
  });
});
