import { describe, expect, it } from 'vitest';
import { networkError, toDeliveryError } from './errors';

describe('toDeliveryError', () => {
  it('turns 429 into rate_limited with retry_after in milliseconds', () => {
    const err = toDeliveryError(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000, scope: 'chat', platformCode: '429', message: 'Too Many Requests: retry after 3' });
  });

  it('gives a 429 the scope the platform names, with the bucket of a route', () => {
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1, scope: 'global' } })).toMatchObject({ kind: 'rate_limited', scope: 'global' });
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1, scope: 'tenant' } })).toMatchObject({ kind: 'rate_limited', scope: 'tenant', bucket: undefined });
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1, scope: 'route', bucket: 'send-message' } }))
      .toMatchObject({ kind: 'rate_limited', scope: 'route', bucket: 'send-message' });
  });

  it('treats a 429 with no scope, or one it does not know, as the chat\'s', () => {
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1 } })).toMatchObject({ scope: 'chat' });
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1, scope: 'planet' } })).toMatchObject({ scope: 'chat' });
  });

  it('turns a blocked bot into permanent "blocked" and other 403s into "forbidden"', () => {
    expect(toDeliveryError(403, { error_code: 403, description: 'Forbidden: bot was blocked by the user' })).toMatchObject({ kind: 'permanent', reason: 'blocked' });
    expect(toDeliveryError(403, { error_code: 403, description: 'Forbidden: not enough rights' })).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
  });

  it('turns "chat not found" into permanent "chat_not_found"', () => {
    expect(toDeliveryError(400, { error_code: 400, description: 'Bad Request: chat not found' })).toMatchObject({ kind: 'permanent', reason: 'chat_not_found', platformCode: '400' });
  });

  it('keeps other 400s, 401, 5xx and unreadable answers temporary', () => {
    expect(toDeliveryError(400, { error_code: 400, description: 'Bad Request: message text is empty' }).kind).toBe('temporary');
    expect(toDeliveryError(401, { error_code: 401, description: 'Unauthorized' })).toMatchObject({ kind: 'temporary', message: 'Unauthorized: the bot token was refused' });
    expect(toDeliveryError(502, undefined)).toMatchObject({ kind: 'temporary', message: 'HTTP 502', platformCode: '502' });
  });

  it('makes network failures temporary without the URL', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = networkError(Object.assign(new TypeError('fetch failed http://x/botSECRET/sendMessage'), { cause }));
    expect(err).toMatchObject({ kind: 'temporary', message: 'network error: ECONNREFUSED', platformCode: 'network' });
    expect(networkError(new DOMException('timed out', 'TimeoutError')).message).toBe('network error: timed out');
  });
});
