import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { toAccessFailure, toDeliveryError, unreachableCause } from './errors';

const apiError = (code: number, status: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'http://127.0.0.1/api/v10/channels/1/messages', { body: undefined, files: undefined });

const rateLimit = (fields: Partial<ConstructorParameters<typeof RateLimitError>[0]>) => new RateLimitError({
  timeToReset: 1_500, limit: 5, method: 'POST', hash: 'h', url: 'http://127.0.0.1/api/v10/channels/9/messages', route: '/channels/:id/messages',
  majorParameter: '9', global: false, retryAfter: 1_500, sublimitTimeout: 0, scope: 'user', ...fields,
});

describe('Discord errors for sends', () => {
  it('makes closed DMs permanent "blocked", and unknown channels "chat_not_found"', () => {
    expect(toDeliveryError(apiError(50007, 403, 'Cannot send messages to this user'))).toMatchObject({ kind: 'permanent', reason: 'blocked', platformCode: '50007' });
    expect(toDeliveryError(apiError(10003, 404, 'Unknown Channel'))).toMatchObject({ kind: 'permanent', reason: 'chat_not_found' });
  });

  it('turns a per-route 429 into a route pause on its bucket, and a global one into a global pause', () => {
    expect(toDeliveryError(rateLimit({}))).toMatchObject({ kind: 'rate_limited', scope: 'route', bucket: '/channels/:id/messages:9', retryAfterMs: 1_500 });
    expect(toDeliveryError(rateLimit({ global: true, scope: 'global', retryAfter: 700 }))).toMatchObject({ kind: 'rate_limited', scope: 'global', retryAfterMs: 700 });
  });

  it('keeps a refused token, a 5xx and a network failure temporary', () => {
    expect(toDeliveryError(apiError(0, 401, '401: Unauthorized'))).toMatchObject({ kind: 'temporary', message: '401: Unauthorized: the bot token was refused' });
    expect(toDeliveryError(new HTTPError(502, 'Bad Gateway', 'POST', 'http://x', { body: undefined, files: undefined }))).toMatchObject({ kind: 'temporary', platformCode: '502' });
    expect(toDeliveryError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toMatchObject({ kind: 'temporary', message: 'network error: ECONNREFUSED' });
  });
});

describe('Discord errors for access', () => {
  it('names the refusal: missing permission, not a member, role gone, rate limited, unreachable', () => {
    expect(toAccessFailure(apiError(50013, 403, 'Missing Permissions'))).toEqual({ code: 'missing_permission', detail: 'Missing Permissions (50013)' });
    expect(toAccessFailure(apiError(10007, 404, 'Unknown Member')).code).toBe('not_member');
    expect(toAccessFailure(apiError(10011, 404, 'Unknown Role')).code).toBe('resource_not_found');
    expect(toAccessFailure(rateLimit({})).code).toBe('rate_limited');
    expect(toAccessFailure(new Error('socket hang up')).code).toBe('platform_unreachable');
  });
});

describe('why Discord could not be reached', () => {
  it('says a network failure in words with its code, as for every platform, and never the URL', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:35271'), { code: 'ECONNREFUSED' });
    expect(unreachableCause(refused)).toBe('connection refused (ECONNREFUSED)');
    expect(unreachableCause(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND discord.com'), { code: 'ENOTFOUND' }) }))).toBe('DNS lookup failed (ENOTFOUND)');
    expect(unreachableCause(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('timed out');
    expect(unreachableCause(new Error('boom'))).toBe('network error');
  });
});
