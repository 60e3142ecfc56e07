// The event loop's delay in /metrics: the worst stall since the previous scrape, as the service's PromMetrics exposes it.
import { describe, expect, it } from 'vitest';
import { PromMetrics } from './metrics';

const read = (text: string, name: string): number => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN);
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the thread for `ms`, as a long synchronous transaction would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}

describe('event-loop delay in /metrics', () => {
  it('reports a stall since the previous scrape as signalcast_event_loop_delay_max_seconds, with p99 beside it, and starts over after each scrape', async () => {
    const metrics = new PromMetrics(); // as the service makes it: process metrics on
    await tick(50);
    await metrics.render(); // starts the window
    stall(150);
    await tick(30);
    const during = (await metrics.render()).body;
    expect(read(during, 'signalcast_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.14);
    expect(read(during, 'signalcast_event_loop_delay_p99_seconds')).toBeGreaterThan(0);
    await tick(100);
    const after = (await metrics.render()).body;
    // The stall was before this window: only the quiet 100 ms are in it.
    expect(read(after, 'signalcast_event_loop_delay_max_seconds')).toBeLessThan(0.1);
  });

  it('catches a stall inside a timer callback (where perf_hooks.monitorEventLoopDelay, behind prom-client\'s nodejs_eventloop_lag_*, can record the loop\'s cached time instead)', async () => {
    const metrics = new PromMetrics();
    await tick(60);
    await metrics.render();
    setTimeout(() => stall(150), 5);
    await tick(250);
    const body = (await metrics.render()).body;
    expect(read(body, 'signalcast_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.14);
    expect(read(body, 'signalcast_event_loop_delay_max_seconds')).toBeLessThan(1);
  });
});
