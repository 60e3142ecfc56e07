// Starts a chat platform without letting its outage block the service: a first attempt, then retries with backoff in the background.
import type { Logger } from '../core/logger';

/** Why an attempt failed, and whether another one can help. */
export interface StartFailure {
  /** e.g. a refused token: the start fails instead of retrying. */
  permanent: boolean;
  /** Safe to log and to show on /readyz: "connection refused (ECONNREFUSED)". */
  cause: string;
}

export interface PlatformStarterOptions {
  /** "telegram": in log lines and on /readyz. */
  name: string;
  /** One attempt; `signal` abandons it at stop. */
  attempt: (signal: AbortSignal) => Promise<void>;
  classify: (err: unknown) => StartFailure;
  logger: Logger;
  /** Waits between attempts; the last one repeats. Default 1 s, 2 s, 5 s, 15 s, 30 s, 60 s. */
  backoffMs?: readonly number[] | undefined;
}

/** A platform that is started, or still being started in the background. */
export interface PlatformStarter {
  /** 'ok' once started; else why not, for /readyz ("starting", "unreachable: connection refused (ECONNREFUSED)"). */
  status(): string;
  /**
   * The first attempt. Resolves once it succeeded, or failed in a way another attempt can fix (then
   * attempts go on in the background, and the failure is logged as an error naming its cause);
   * rejects with the attempt's error when it cannot (a permanent failure).
   */
  start(): Promise<void>;
  /** No more attempts; abandons one under way. */
  stop(): Promise<void>;
}

/** After this long without an answer, the first attempt is logged as slow. */
const SLOW_START_MS = 2_000;

const DEFAULT_BACKOFF_MS = [1_000, 2_000, 5_000, 15_000, 30_000, 60_000];

export function createPlatformStarter(options: PlatformStarterOptions): PlatformStarter {
  const { name, logger } = options;
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  let state = 'not started';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  const controller = new AbortController();

  /** One attempt; true when it worked, false to try again; throws when it cannot work. */
  async function once(attempt: number): Promise<boolean> {
    try {
      const run = options.attempt(controller.signal);
      inFlight = run.catch(() => undefined);
      await run;
      state = 'ok';
      if (attempt > 0) logger.info({ platform: name, attempts: attempt + 1 }, `${name} is reachable again: started`);
      return true;
    } catch (err) {
      if (stopped) return false;
      const failure = options.classify(err);
      if (failure.permanent) {
        state = `failed: ${failure.cause}`;
        throw err;
      }
      state = `unreachable: ${failure.cause}`;
      const waitMs = backoff[Math.min(attempt, backoff.length - 1)] ?? 60_000;
      // The first failure and every tenth one are errors; the ones between would only repeat it.
      const log = attempt === 0 || attempt % 10 === 0 ? logger.error.bind(logger) : logger.warn.bind(logger);
      log({ platform: name, cause: failure.cause, attempt: attempt + 1, retryInMs: waitMs }, `${name} could not be started: ${failure.cause}; trying again in ${Math.round(waitMs / 1000)} s (the rest of the service runs)`);
      return false;
    }
  }

  function retryLater(attempt: number): void {
    if (stopped) return;
    const waitMs = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 60_000;
    timer = setTimeout(() => {
      once(attempt)
        .then((ok) => { if (!ok) retryLater(attempt + 1); })
        .catch((err: unknown) => {
          logger.error({ platform: name, cause: state }, `${name} cannot be started: ${state}; no more attempts until the next start`);
          void err;
        });
    }, waitMs);
  }

  return {
    status: () => (stopped ? 'stopped' : state),
    async start() {
      state = 'starting';
      // A platform that does not answer holds the first attempt until its call timeout: say so meanwhile.
      const slow = setTimeout(() => logger.warn({ platform: name }, `${name} has not answered yet; waiting for it (the HTTP server is already serving)`), SLOW_START_MS);
      try {
        if (!(await once(0))) retryLater(1);
      } finally {
        clearTimeout(slow);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      await inFlight;
    },
  };
}
