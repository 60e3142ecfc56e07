// Waiting in tests for something to happen (an arrival, a state), never measuring how long it took.

export interface UntilOptions {
  /** How long to wait before failing, naming what was awaited. Default 10 s. */
  timeoutMs?: number;
  /** Pause between checks. Default 10 ms. */
  everyMs?: number;
}

/** Polls `check` until it gives a truthy value, and returns that value; throws "timed out waiting for <what>" after the timeout. */
export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  options: UntilOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 10));
  }
}
