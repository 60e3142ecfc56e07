import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { RateLimiter } from '../delivery/rate-limiter';
import { limitGate } from './limited-gate';
import type { AccessGate, AccessOutcome } from './ports';

const resource = { platform: 'rolechat', kind: 'role' as const, tenant: 'g1', id: 'vip' };
const holder = { accountId: 'acc_1', platform: 'rolechat', platformUserId: 'u1' };

/** A gate that records when each call reached the platform, answering `answer`. */
function recordingGate(clock: FakeClock, answer: AccessOutcome = { result: 'granted', holds: true }) {
  const calls: number[] = [];
  const gate: AccessGate = {
    platform: 'rolechat',
    grant: async () => (calls.push(clock.now()), answer),
    revoke: async () => (calls.push(clock.now()), { result: 'revoked', holds: false }),
  };
  return { gate, calls };
}

describe('access calls under the platform limiter', () => {
  it('takes its slots from the same overall window as the deliveries: a full window makes the grant wait', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ overall: { limit: 2, windowMs: 1_000 }, retryAfterScopes: ['global'] }, { marginRatio: 0, minMarginMs: 0 });
    // Two deliveries fill the window.
    for (const chat of ['c1', 'c2']) {
      const admission = limiter.tryAcquire({ chat, isGroup: false }, 0);
      if (!admission.ok) throw new Error('expected room');
      admission.grant.start(0);
      admission.grant.finish(0);
    }
    const { gate, calls } = recordingGate(clock);
    const pending = limitGate(gate, { limiter, clock }).grant(holder, resource, 'test');
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([]);
    await clock.advance(1_000);
    await expect(pending).resolves.toMatchObject({ result: 'granted' });
    expect(calls).toEqual([1_000]);
  });

  it('pauses the whole platform, deliveries included, when the platform refused an access call as rate_limited', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ overall: { limit: 100, windowMs: 1_000 }, retryAfterScopes: ['global'] });
    const { gate } = recordingGate(clock, { result: 'failed', code: 'rate_limited', detail: 'too many requests' });
    await limitGate(gate, { limiter, clock, penaltyMs: 5_000 }).grant(holder, resource, 'test');
    expect(limiter.tryAcquire({ chat: 'c1', isGroup: false }, 10)).toMatchObject({ ok: false });
    expect(limiter.tryAcquire({ chat: 'c1', isGroup: false }, 5_010)).toMatchObject({ ok: true });
  });

  it('keeps the optional methods the gate has, and only those', () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ overall: { limit: 100, windowMs: 1_000 }, retryAfterScopes: ['global'] });
    const wrapped = limitGate(recordingGate(clock).gate, { limiter, clock });
    expect(wrapped.approveJoinRequest).toBeUndefined();
    expect(wrapped.platform).toBe('rolechat');
  });

  it('gives a gate that paces itself a slot per request, not per call: a grant that reads then changes, and a paged list, fit the window', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ overall: { limit: 2, windowMs: 1_000 }, retryAfterScopes: ['global'] }, { marginRatio: 0, minMarginMs: 0 });
    const requests: number[] = [];
    const request = async () => void requests.push(clock.now());
    const gate: AccessGate = {
      platform: 'rolechat',
      pacesItself: true,
      async grant(_holder, _resource, _reason, call) {
        await call!.paced!(request); // read the member
        await call!.paced!(request); // give the role
        return { result: 'granted', holds: true };
      },
      revoke: async () => ({ result: 'revoked', holds: false }),
      async holders(_resource, call) {
        for (let page = 0; page < 3; page++) await call!.paced!(request);
        return { holders: [] };
      },
    };
    const wrapped = limitGate(gate, { limiter, clock });
    await expect(wrapped.grant(holder, resource, 'test')).resolves.toMatchObject({ result: 'granted' });
    expect(requests).toEqual([0, 0]);
    // The window is full: the list's pages wait their turn, two a second.
    const listed = wrapped.holders!(resource);
    await new Promise((r) => setImmediate(r));
    expect(requests).toEqual([0, 0]);
    await clock.advance(1_000);
    await clock.advance(1_000);
    await expect(listed).resolves.toEqual({ holders: [] });
    expect(requests).toEqual([0, 0, 1_000, 1_000, 2_000]);
  });

  it('sends nothing more for a call its caller gave up on while it waited for a slot (a job past its deadline)', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ overall: { limit: 1, windowMs: 1_000 }, retryAfterScopes: ['global'] }, { marginRatio: 0, minMarginMs: 0 });
    const requests: string[] = [];
    const gate: AccessGate = {
      platform: 'rolechat',
      pacesItself: true,
      async grant(_holder, _resource, _reason, call) {
        try {
          await call!.paced!(async () => void requests.push('read'));
          await call!.paced!(async () => void requests.push('change'));
        } catch {
          return { result: 'failed', code: 'platform_unreachable', detail: 'given up' };
        }
        return { result: 'granted', holds: true };
      },
      revoke: async () => ({ result: 'revoked', holds: false }),
    };
    const deadline = new AbortController();
    const pending = limitGate(gate, { limiter, clock }).grant(holder, resource, 'test', { signal: deadline.signal });
    await new Promise((r) => setImmediate(r));
    expect(requests).toEqual(['read']);
    deadline.abort();
    await clock.advance(1_000);
    await expect(pending).resolves.toMatchObject({ result: 'failed' });
    expect(requests).toEqual(['read']);
  });
});
