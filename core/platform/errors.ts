// Why an adapter could not start: the words to show, and whether another attempt can help.
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
