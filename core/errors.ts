// Typed errors with stable codes. Adapters turn SDK errors into these; the core never sees an SDK error.

export type ErrorCode =
  | 'config_invalid'
  | 'plans_invalid'
  | 'validation_failed'
  | 'not_found'
  | 'unauthorized'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'delivery_rate_limited'
  | 'delivery_temporary'
  | 'delivery_permanent'
  | 'internal';

export class SignalcastError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignalcastError';
    this.code = code;
  }
}

/** One problem with one field of an input. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** The most issues a ValidationError's message spells out; the rest are counted. */
const MAX_ISSUES_IN_MESSAGE = 25;

function describeIssues(issues: readonly FieldIssue[]): string {
  const listed = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => `${i.field}: ${i.message}`).join('; ');
  const more = issues.length - MAX_ISSUES_IN_MESSAGE;
  return more > 0 ? `${listed}; and ${more} more` : listed;
}

/** Bad input: names every bad field (the message spells out the first 25). */
export class ValidationError extends SignalcastError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], message?: string) {
    super('validation_failed', message ?? describeIssues(issues));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export type DeliveryErrorKind = 'rate_limited' | 'temporary' | 'permanent';

/** Why a permanent failure is permanent; the destination is disabled with this reason. */
export type PermanentReason = 'blocked' | 'chat_not_found' | 'forbidden' | 'bad_request' | 'unauthorized';

/**
 * Who a platform's 429 holds back: one chat ('chat'), every chat of one tenant (a guild, a
 * workspace: 'tenant'), every send through one route bucket ('route'), or the whole platform ('global').
 */
export type RateLimitScope = 'chat' | 'tenant' | 'route' | 'global';

/** What a rate-limited DeliveryError says besides its message and wait. */
export interface RateLimitedFields {
  scope: RateLimitScope;
  /** With scope 'route': the bucket the platform named (a route bucket id or a method name). */
  bucket?: string | undefined;
  platformCode?: string | undefined;
  cause?: unknown;
}

/**
 * A failed send, as a platform adapter reports it.
 * - rate_limited: wait `retryAfterMs`, then try again; not an attempt. `scope` says who waits.
 * - temporary: retry with backoff.
 * - permanent: do not retry; disable the destination.
 */
export class DeliveryError extends SignalcastError {
  readonly kind: DeliveryErrorKind;
  readonly retryAfterMs: number | undefined;
  /** rate_limited only: who the platform holds back. */
  readonly scope: RateLimitScope | undefined;
  /** rate_limited with scope 'route' only: the bucket the platform named, when it named one. */
  readonly bucket: string | undefined;
  readonly reason: PermanentReason | undefined;
  /** The platform's own error code or description, for the log and the audit trail. */
  readonly platformCode: string | undefined;

  private constructor(
    kind: DeliveryErrorKind,
    message: string,
    fields: { retryAfterMs?: number; scope?: RateLimitScope; bucket?: string | undefined; reason?: PermanentReason; platformCode?: string | undefined; cause?: unknown },
  ) {
    const code = kind === 'rate_limited' ? 'delivery_rate_limited' : kind === 'temporary' ? 'delivery_temporary' : 'delivery_permanent';
    super(code, message, { cause: fields.cause });
    this.name = 'DeliveryError';
    this.kind = kind;
    this.retryAfterMs = fields.retryAfterMs;
    this.scope = fields.scope;
    this.bucket = fields.bucket;
    this.reason = fields.reason;
    this.platformCode = fields.platformCode;
  }

  static rateLimited(message: string, retryAfterMs: number, fields: RateLimitedFields): DeliveryError {
    return new DeliveryError('rate_limited', message, { ...fields, retryAfterMs });
  }

  static temporary(message: string, opts: { platformCode?: string; cause?: unknown } = {}): DeliveryError {
    return new DeliveryError('temporary', message, opts);
  }

  static permanent(message: string, reason: PermanentReason, opts: { platformCode?: string; cause?: unknown } = {}): DeliveryError {
    return new DeliveryError('permanent', message, { ...opts, reason });
  }
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof DeliveryError;
}
