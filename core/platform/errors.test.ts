import { describe, expect, it } from 'vitest';
import { AdapterStartError, startDeadline } from './errors';

describe('startDeadline', () => {
  it('rejects with a temporary AdapterStartError carrying the message once its time passes', async () => {
    const error = await startDeadline('Chat could not be reached: the start did not finish in time', 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterStartError);
    expect(error).toMatchObject({ message: 'Chat could not be reached: the start did not finish in time', failure: { permanent: false, cause: 'timed out' } });
  });

  it('rejects as soon as the start is abandoned through its signal, long before its time', async () => {
    const stop = new AbortController();
    const deadline = startDeadline('given up', 60_000, stop.signal);
    stop.abort();
    await expect(deadline).rejects.toMatchObject({ message: 'given up', failure: { permanent: false } });
  });

  it('loses a race to a step that finishes first', async () => {
    await expect(Promise.race([Promise.resolve('started'), startDeadline('late', 60_000)])).resolves.toBe('started');
  });
});
