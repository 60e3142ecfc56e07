import { describe, expect, it } from 'vitest';
import { accessFailureCode, networkError, toDeliveryError } from './errors';

const body = (code: string, message = code, extra: Record<string, unknown> = {}) => ({ error: { code, message, ...extra } });

describe('toDeliveryError', () => {
  it('turns rate_limited into rate_limited with its retry-after in milliseconds, for the chat by default', () => {
    const err = toDeliveryError(429, body('rate_limited', 'too many messages to this chat: retry after 3 s', { scope: 'chat', retry_after_ms: 3_000 }));
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000, scope: 'chat', platformCode: 'rate_limited', message: 'too many messages to this chat: retry after 3 s' });
  });

  it('gives a 429 the scope the platform names, with the bucket of a route', () => {
    expect(toDeliveryError(429, body('rate_limited', 'slow down', { scope: 'global', retry_after_ms: 1_000 }))).toMatchObject({ kind: 'rate_limited', scope: 'global' });
    expect(toDeliveryError(429, body('rate_limited', 'slow down', { scope: 'tenant', retry_after_ms: 1_000 }))).toMatchObject({ kind: 'rate_limited', scope: 'tenant', bucket: undefined });
    expect(toDeliveryError(429, body('rate_limited', 'slow down', { scope: 'route', bucket: 'send-message', retry_after_ms: 1_000 })))
      .toMatchObject({ kind: 'rate_limited', scope: 'route', bucket: 'send-message' });
  });

  it('treats a 429 with no scope, or one it does not know, as the chat\'s', () => {
    expect(toDeliveryError(429, body('rate_limited', 'slow down', { retry_after_ms: 1_000 }))).toMatchObject({ scope: 'chat' });
    expect(toDeliveryError(429, body('rate_limited', 'slow down', { scope: 'planet', retry_after_ms: 1_000 }))).toMatchObject({ scope: 'chat' });
  });

  it('turns blocked and chat_not_found into permanent failures, and missing_permission into "forbidden"', () => {
    expect(toDeliveryError(403, body('blocked'))).toMatchObject({ kind: 'permanent', reason: 'blocked' });
    expect(toDeliveryError(404, body('chat_not_found'))).toMatchObject({ kind: 'permanent', reason: 'chat_not_found', platformCode: 'chat_not_found' });
    expect(toDeliveryError(403, body('missing_permission'))).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
  });

  it('keeps other 400s, 401, 5xx and unreadable answers temporary', () => {
    expect(toDeliveryError(400, body('invalid_request', 'text is empty')).kind).toBe('temporary');
    expect(toDeliveryError(401, body('unauthorized', 'the token was refused'))).toMatchObject({ kind: 'temporary', message: 'the token was refused: the bot token was refused' });
    expect(toDeliveryError(502, undefined)).toMatchObject({ kind: 'temporary', message: 'HTTP 502', platformCode: '502' });
  });

  it('makes network failures temporary without the URL', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = networkError(Object.assign(new TypeError('fetch failed http://x/v1/messages?token=SECRET'), { cause }));
    expect(err).toMatchObject({ kind: 'temporary', message: 'network error: ECONNREFUSED', platformCode: 'network' });
    expect(networkError(new DOMException('timed out', 'TimeoutError')).message).toBe('network error: timed out');
  });
});

describe('accessFailureCode', () => {
  it('gives each testchat refusal its neutral code', () => {
    expect(accessFailureCode(403, body('hierarchy'))).toBe('hierarchy');
    expect(accessFailureCode(403, body('missing_permission'))).toBe('missing_permission');
    expect(accessFailureCode(404, body('unknown_role'))).toBe('resource_not_found');
    expect(accessFailureCode(404, body('chat_not_found'))).toBe('resource_not_found');
    expect(accessFailureCode(404, body('unknown_member'))).toBe('not_member');
    expect(accessFailureCode(429, body('rate_limited'))).toBe('rate_limited');
    expect(accessFailureCode(500, undefined)).toBe('platform_error');
  });
});
