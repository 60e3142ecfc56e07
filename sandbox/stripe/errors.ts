// Stripe's error shape `{ error: { type, code, message, param, doc_url } }` with its HTTP statuses,
// the converters the routes throw through, and the base emulator's injected faults rendered the same way.
import type { EmulatorResponse, Fault, RecordedRequest } from '../base/emulator';

export type StripeErrorType = 'invalid_request_error' | 'card_error' | 'api_error' | 'idempotency_error';

/** The body Stripe sends inside `error`. */
export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
}

/** Thrown by a route to answer with a Stripe-shaped error; carries the status and the error body. */
export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.name = 'StripeApiError';
    this.status = status;
    this.body = body;
  }

  toResponse(headers: Record<string, string> = {}): EmulatorResponse {
    return { status: this.status, headers, body: { error: this.body } };
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(message: string, options: { param?: string; code?: string; status?: number } = {}): StripeApiError {
  return new StripeApiError(options.status ?? 400, {
    type: 'invalid_request_error',
    message,
    ...(options.code ? { code: options.code, doc_url: docUrl(options.code) } : {}),
    ...(options.param !== undefined ? { param: options.param } : {}),
  });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function unknownParam(param: string): StripeApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, { param, code: 'parameter_unknown' });
}

export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return invalidRequest(message, { param, ...(code ? { code } : {}) });
}

/** "No such customer: 'cus_x'", status 404 when the id is in the path, 400 when it names a parameter. */
export function resourceMissing(kind: string, id: string, param?: string): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { param: param ?? 'id', code: 'resource_missing', status: param ? 400 : 404 });
}

/** A 402 card error, with `decline_code` when the code is card_declined. */
export function cardError(code: string, declineCode: string | undefined, message: string, param?: string): StripeApiError {
  return new StripeApiError(402, {
    type: 'card_error',
    code,
    message,
    doc_url: docUrl(code),
    ...(declineCode ? { decline_code: declineCode } : {}),
    ...(param ? { param } : {}),
  });
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

/** Never echoes the key: only its prefix, the rest masked. */
export function authenticationFailed(presented: string | undefined): StripeApiError {
  const message =
    presented === undefined
      ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
      : `Invalid API Key provided: ${presented.slice(0, 8)}${'*'.repeat(12)}`;
  return new StripeApiError(401, { type: 'invalid_request_error', message, ...(presented === undefined ? {} : { code: 'api_key_invalid' }) });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return invalidRequest(`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, {
    status: 404,
  });
}

function typeForStatus(status: number): StripeErrorType {
  if (status === 402) return 'card_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Renders the base emulator's injected faults as Stripe would answer them. */
export function renderStripeFault(fault: Exclude<Fault, { kind: 'hang' }>, _req: RecordedRequest): EmulatorResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return new StripeApiError(429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        doc_url: docUrl('rate_limit'),
        message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      }).toResponse({ 'retry-after': String(fault.retryAfterSeconds) });
    case 'server_error':
      return new StripeApiError(fault.status ?? 500, {
        type: 'api_error',
        message: 'An unknown error occurred',
      }).toResponse();
    case 'platform_error': {
      const code = fault.code === undefined ? undefined : String(fault.code);
      return new StripeApiError(fault.status, {
        type: typeForStatus(fault.status),
        message: fault.description,
        ...(code ? { code, doc_url: docUrl(code) } : {}),
      }).toResponse();
    }
  }
}
