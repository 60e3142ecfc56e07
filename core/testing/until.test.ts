import { describe, expect, it } from 'vitest';
import { until } from './until';

describe('until', () => {
  it('returns the first truthy value the check gives, sync or async', async () => {
    let n = 0;
    expect(await until(() => (++n >= 3 ? `after ${n}` : false), 'three checks', { everyMs: 1 })).toBe('after 3');
    expect(await until(async () => ({ ok: true }), 'an async answer')).toEqual({ ok: true });
  });

  it('fails naming what it waited for once the timeout has passed', async () => {
    await expect(until(() => null, 'the answer', { timeoutMs: 20, everyMs: 5 })).rejects.toThrow('timed out waiting for the answer');
  });
});
