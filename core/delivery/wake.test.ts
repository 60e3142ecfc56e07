import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
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
});
