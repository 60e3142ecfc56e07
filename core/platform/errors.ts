// Why an adapter could not start: the words to show, and whether another attempt can help; the
// deadline an adapter races each step of its start against.
import { SignalcastError } from '../errors';

/**
 * One attempt to start a platform adapter failed. `permanent` (e.g. a refused token) fails the
 * service's start; otherwise the attempt is repeated in the background. `cause` is safe to log and
 * to show on /readyz: it never carries a token.
 */
export class AdapterStartError extends SignalcastError {
  constructor(message: string, readonly failure: { permanent: boolean; cause: string }) {
    super(failure.permanent ? 'config_invalid' : 'internal', message);
    this.name = 'AdapterStartError';
  }
}

/**
 * Rejects with a temporary AdapterStartError (`message`, cause "timed out") once `timeoutMs` passes
 * or `signal` aborts: an adapter races each step of its start against it. It is only ever raced, so
 * a rejection after the start is over means nothing (and is never reported as unhandled).
 */
export function startDeadline(message: string, timeoutMs: number, signal?: AbortSignal): Promise<never> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const abandoned = new Promise<never>((_, reject) => {
    const fail = () => reject(new AdapterStartError(message, { permanent: false, cause: 'timed out' }));
    timeout.addEventListener('abort', fail, { once: true });
    signal?.addEventListener('abort', fail, { once: true });
  });
  abandoned.catch(() => undefined);
  return abandoned;
}
