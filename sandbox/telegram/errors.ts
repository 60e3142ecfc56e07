// Telegram's error answers: the error type the methods throw and its rendering in Telegram's shape.
import type { EmulatorResponse, Fault } from '../base/emulator';

/** What Telegram puts in `parameters` beside an error. */
export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** The body of every failed Bot API call. */
export interface TelegramErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** A Bot API failure, thrown by a method and answered with HTTP status `errorCode`. */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'TelegramApiError';
  }
}

export const badRequest = (detail: string): TelegramApiError => new TelegramApiError(400, `Bad Request: ${detail}`);
export const forbidden = (detail: string): TelegramApiError => new TelegramApiError(403, `Forbidden: ${detail}`);
export const conflict = (detail: string): TelegramApiError => new TelegramApiError(409, `Conflict: ${detail}`);
export const unauthorized = (): TelegramApiError => new TelegramApiError(401, 'Unauthorized');
export const notFound = (): TelegramApiError => new TelegramApiError(404, 'Not Found');
export const chatNotFound = (): TelegramApiError => badRequest('chat not found');
export const tooManyRequests = (retryAfter: number): TelegramApiError =>
  new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export function toErrorBody(err: TelegramApiError): TelegramErrorBody {
  const body: TelegramErrorBody = { ok: false, error_code: err.errorCode, description: err.description };
  if (err.parameters) body.parameters = err.parameters;
  return body;
}

export function toErrorResponse(err: TelegramApiError): EmulatorResponse {
  const headers: Record<string, string> = {};
  // Telegram sends Retry-After beside the body's retry_after.
  if (err.parameters?.retry_after !== undefined) headers['retry-after'] = String(err.parameters.retry_after);
  return { status: err.errorCode, headers, body: toErrorBody(err) };
}

/** An injected fault as Telegram would answer it. */
export function faultToError(fault: Exclude<Fault, { kind: 'hang' }>): TelegramApiError {
  switch (fault.kind) {
    case 'rate_limit':
      return tooManyRequests(Math.max(1, Math.ceil(fault.retryAfterSeconds)));
    case 'server_error': {
      const status = fault.status ?? 500;
      return new TelegramApiError(status, status === 502 ? 'Bad Gateway' : 'Internal Server Error');
    }
    case 'platform_error':
      return new TelegramApiError(typeof fault.code === 'number' ? fault.code : fault.status, fault.description);
  }
}
