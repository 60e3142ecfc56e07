import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../core/errors';
import { describeForLog, isEntityParseError, scrubToken, toDeliveryError } from './errors';

const TOKEN = '7000000001:AAsecretsecretsecretsecretsecret_-x';

const grammyError = (error_code: number, description: string, parameters: Record<string, number> = {}) =>
  new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code, description, parameters }, 'sendMessage', { chat_id: 1, text: 'x' });

describe('toDeliveryError', () => {
  it('turns 429 into rate_limited with parameters.retry_after in milliseconds', () => {
    expect(toDeliveryError(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toMatchObject({
      kind: 'rate_limited', retryAfterMs: 7_000, scope: 'chat', platformCode: '429', message: 'Too Many Requests: retry after 7',
    });
  });

  it('turns a blocked or deactivated user into permanent "blocked", and a kicked bot into permanent "forbidden"', () => {
    expect(toDeliveryError(grammyError(403, 'Forbidden: bot was blocked by the user'))).toMatchObject({ kind: 'permanent', reason: 'blocked', platformCode: '403' });
    expect(toDeliveryError(grammyError(403, 'Forbidden: user is deactivated'))).toMatchObject({ kind: 'permanent', reason: 'blocked' });
    expect(toDeliveryError(grammyError(403, 'Forbidden: bot was kicked from the supergroup chat'))).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
    expect(toDeliveryError(grammyError(403, "Forbidden: bot can't initiate conversation with a user"))).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
  });

  it('turns 400 "chat not found" into permanent chat_not_found and any other 400 into permanent bad_request', () => {
    expect(toDeliveryError(grammyError(400, 'Bad Request: chat not found'))).toMatchObject({ kind: 'permanent', reason: 'chat_not_found', platformCode: '400' });
    expect(toDeliveryError(grammyError(400, 'Bad Request: message is too long'))).toMatchObject({ kind: 'permanent', reason: 'bad_request' });
  });

  it('keeps 5xx, a refused token and unknown codes temporary', () => {
    expect(toDeliveryError(grammyError(502, 'Bad Gateway'))).toMatchObject({ kind: 'temporary', platformCode: '502' });
    expect(toDeliveryError(grammyError(500, 'Internal Server Error'))).toMatchObject({ kind: 'temporary' });
    expect(toDeliveryError(grammyError(401, 'Unauthorized'))).toMatchObject({ kind: 'temporary', message: expect.stringContaining('the bot token was refused') });
    expect(toDeliveryError(grammyError(409, 'Conflict'))).toMatchObject({ kind: 'temporary' });
  });

  it('makes a network error temporary, without the URL that holds the token', () => {
    const fetchError = Object.assign(new Error(`request to http://127.0.0.1:9/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`), { type: 'system', code: 'ECONNREFUSED' });
    const err = toDeliveryError(new HttpError(`Network request for 'sendMessage' failed! ${fetchError.message}`, fetchError), TOKEN);
    expect(err).toMatchObject({ kind: 'temporary', message: 'network error: ECONNREFUSED', platformCode: 'network' });
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain(TOKEN);
    const timeout = toDeliveryError(new HttpError("Network request for 'sendMessage' failed!", new Error("Request to 'sendMessage' timed out after 15 seconds")));
    expect(timeout.message).toBe('network error: timed out');
  });

  it('never lets the token through, even from an unexpected error', () => {
    const err = toDeliveryError(new Error(`boom at /bot${TOKEN}/sendPhoto`), TOKEN);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toBe('boom at /bot[REDACTED]/sendPhoto');
    expect(scrubToken(`a ${TOKEN} b`)).toBe('a [REDACTED] b');
    expect(describeForLog(new Error(`x ${TOKEN}`)).message).not.toContain(TOKEN);
  });

  it("recognises Telegram's refusal of the HTML", () => {
    expect(isEntityParseError(grammyError(400, "Bad Request: can't parse entities: unsupported start tag \"x\" at byte offset 3"))).toBe(true);
    expect(isEntityParseError(grammyError(400, 'Bad Request: chat not found'))).toBe(false);
  });
});
