// The error boundary for every route: typed errors become stable JSON answers, anything else a bare 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SignalcastError, ValidationError, type FieldIssue } from '../core/errors';
import type { Logger } from '../core/logger';
import type { IngestOutcome } from '../core/metrics';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message?: string; fields?: FieldIssue[] };
}

export function errorBody(code: string, message?: string, fields?: FieldIssue[]): ErrorBody {
  return { error: { code, ...(message === undefined ? {} : { message }), ...(fields === undefined ? {} : { fields }) } };
}

/** An answer decided by a route (401, 404, 415, 429); thrown so the boundary sends it in one place. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly ingestOutcome?: IngestOutcome,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface Mapped {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  outcome?: IngestOutcome;
}

function toAnswer(err: unknown): Mapped | undefined {
  if (err instanceof HttpError) {
    return { status: err.status, body: errorBody(err.code, err.message), headers: err.headers, ...(err.ingestOutcome ? { outcome: err.ingestOutcome } : {}) };
  }
  if (err instanceof ValidationError) {
    return { status: 400, body: errorBody('validation_failed', 'the request has invalid fields', err.issues), outcome: 'invalid' };
  }
  if (err instanceof SignalcastError && err.code === 'not_found') return { status: 404, body: errorBody('not_found', err.message) };
  if (err instanceof SignalcastError && err.code === 'conflict') return { status: 409, body: errorBody('conflict', err.message), outcome: 'invalid' };
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: errorBody('too_large', 'the body is larger than 64 KiB'), outcome: 'too_large' };
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: errorBody('unsupported_media_type', 'expected Content-Type: application/json'), outcome: 'invalid' };
  }
  // Other client mistakes fastify detects (a bad Content-Length, a malformed request).
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: errorBody('bad_request', 'the request could not be read'), outcome: 'invalid' };
  }
  return undefined;
}

/**
 * Answers an error. Expected ones get their status and code; an unexpected one is
 * logged with the request id and answered 500 { error: { code: 'internal' } }, nothing more.
 */
export function createErrorHandler(deps: { logger: Logger; onIngestOutcome?: (outcome: IngestOutcome, request: FastifyRequest) => void }) {
  return function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const answer = toAnswer(err);
    if (!answer) {
      deps.logger.error({ err, reqId: request.id, method: request.method, route: request.routeOptions.url }, 'request failed');
      return reply.code(500).send(errorBody('internal'));
    }
    if (answer.outcome) deps.onIngestOutcome?.(answer.outcome, request);
    return reply.code(answer.status).headers(answer.headers ?? {}).send(answer.body);
  };
}
