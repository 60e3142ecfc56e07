// OpenAI's error bodies and the rate-limit headers it sends, as the emulator answers them.
import type { EmulatorResponse } from '../base/emulator';

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openaiError(status: number, message: string, type: string, code: string | null = null, param: string | null = null, headers: Record<string, string> = {}): EmulatorResponse {
  const body: OpenAIErrorBody = { error: { message, type, param, code } };
  return { status, headers, body };
}

/** The `x-ratelimit-*` headers OpenAI puts on every answer; `exhausted` when the request limit is reached. */
export function rateLimitHeaders(exhausted: boolean, resetSeconds = 1): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-remaining-requests': exhausted ? '0' : '499',
    'x-ratelimit-reset-requests': `${resetSeconds}s`,
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-tokens': exhausted ? '0' : '29000',
    'x-ratelimit-reset-tokens': `${resetSeconds}s`,
  };
}

/** A 429 as OpenAI sends it: `retry-after` (whole seconds) and `retry-after-ms`, and the spent limits. */
export function rateLimited(retryAfterSeconds: number, code = 'rate_limit_exceeded'): EmulatorResponse {
  const type = code === 'insufficient_quota' ? 'insufficient_quota' : 'requests';
  const message = code === 'insufficient_quota'
    ? 'You exceeded your current quota, please check your plan and billing details.'
    : `Rate limit reached for requests. Please try again in ${retryAfterSeconds}s.`;
  return openaiError(429, message, type, code, null, {
    'retry-after': String(Math.ceil(retryAfterSeconds)),
    'retry-after-ms': String(Math.round(retryAfterSeconds * 1000)),
    ...rateLimitHeaders(true, Math.max(retryAfterSeconds, 0)),
  });
}

export function serverError(status: number, code: string | null = null): EmulatorResponse {
  return openaiError(status, 'The server had an error while processing your request. Sorry about that!', 'server_error', code);
}
