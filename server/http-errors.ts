// The error boundary for every route: typed errors become stable JSON answers, anything else a bare 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SignalcastError, ValidationError, type FieldIssue } from '../core/errors';
import { limitIssues } from '../core/signals/field-issues';
import { toUnavailable } from '../db/faults';
import type { Logger } from '../core/logger';
import type { IngestOutcome } from '../core/metrics';

/** The body of every error answer. */
export interface ErrorBody {
  /** `fields` lists at most MAX_LISTED_ISSUES problems; `moreFields` counts the rest. */
  error: { code: string; message?: string; fields?: FieldIssue[]; moreFields?: number };
}

export function errorBody(code: string, message?: string, fields?: readonly FieldIssue[]): ErrorBody {
  const limited = fields === undefined ? undefined : limitIssues(fields);
  return {
    error: {
      code,
      ...(message === undefined ? {} : { message }),
      ...(limited === undefined ? {} : { fields: limited.listed }),
      ...(limited?.more ? { moreFields: limited.more } : {}),
    },
  };
}

/** The message of a 400 for invalid fields, saying when not all of them are listed. */
function invalidFieldsMessage(issues: readonly FieldIssue[]): string {
  const { listed, more } = limitIssues(issues);
  return more === 0 ? 'the request has invalid fields' : `the request has ${issues.length} problems; the first ${listed.length} are listed`;
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

/** "64 KiB", "512 KiB", "1.5 MiB": a body limit as people read it. */
function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  return bytes >= 1024 ? `${Number((bytes / 1024).toFixed(1))} KiB` : `${bytes} bytes`;
}

function toAnswer(err: unknown, request: FastifyRequest): Mapped | undefined {
  if (err instanceof HttpError) {
    return { status: err.status, body: errorBody(err.code, err.message), headers: err.headers, ...(err.ingestOutcome ? { outcome: err.ingestOutcome } : {}) };
  }
  if (err instanceof ValidationError) {
    return { status: 400, body: errorBody('validation_failed', invalidFieldsMessage(err.issues), err.issues), outcome: 'invalid' };
  }
  // Busy, full or unwritable: nothing was stored; the client sends the same request again later.
  const fault = toUnavailable(err);
  if (fault) {
    return { status: 503, body: errorBody('unavailable', fault.message), headers: { 'retry-after': String(fault.retryAfterSeconds) }, outcome: 'unavailable' };
  }
  if (err instanceof SignalcastError && err.code === 'not_found') return { status: 404, body: errorBody('not_found', err.message) };
  if (err instanceof SignalcastError && err.code === 'conflict') return { status: 409, body: errorBody('conflict', err.message), outcome: 'invalid' };
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Each route states its own limit (the ingest API's 64 KiB, the Stripe webhook's larger one).
    const limit = request.routeOptions.bodyLimit;
    return { status: 413, body: errorBody('too_large', `the body is larger than ${describeBytes(limit)}`), outcome: 'too_large' };
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
    const answer = toAnswer(err, request);
    if (!answer) {
      deps.logger.error({ err, reqId: request.id, method: request.method, route: request.routeOptions.url }, 'request failed');
      return reply.code(500).send(errorBody('internal'));
    }
    if (answer.status === 503) deps.logger.warn({ reqId: request.id, route: request.routeOptions.url, reason: answer.body.error.message }, 'database unavailable; answered 503');
    if (answer.outcome) deps.onIngestOutcome?.(answer.outcome, request);
    return reply.code(answer.status).headers(answer.headers ?? {}).send(answer.body);
  };
}

/**
 * Answers what fastify refuses before routing (a path parameter over maxParamLength, a URL that
 * does not decode), in our error shape and without echoing the URL.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send(errorBody('uri_too_long', 'a part of the path is too long'));
    return;
  }
  void reply.code(400).send(errorBody('bad_request', 'the URL could not be read'));
}
