import { describe, expect, it } from 'vitest';
import { networkError, toDeliveryError } from './errors';

describe('toDeliveryError', () => {
  it('turns 429 into rate_limited with retry_after in milliseconds', () => {
    const err = toDeliveryError(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000, global: false, platformCode: '429', message: 'Too Many Requests: retry after 3' });
  });

  it('marks a 429 global when the platform says so', () => {
    expect(toDeliveryError(429, { error_code: 429, parameters: { retry_after: 1, global: true } })).toMatchObject({ kind: 'rate_limited', global: true });
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
