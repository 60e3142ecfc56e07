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
 * A failed send, as a platform adapter reports it.
 * - rate_limited: wait `retryAfterMs` (the whole platform when `global`), then try again; not an attempt.
 * - temporary: retry with backoff.
 * - permanent: do not retry; disable the destination.
 */
export class DeliveryError extends SignalcastError {
  readonly kind: DeliveryErrorKind;
  readonly retryAfterMs: number | undefined;
  readonly global: boolean;
  readonly reason: PermanentReason | undefined;
  /** The platform's own error code or description, for the log and the audit trail. */
  readonly platformCode: string | undefined;

  private constructor(
    kind: DeliveryErrorKind,
    message: string,
    fields: { retryAfterMs?: number; global?: boolean; reason?: PermanentReason; platformCode?: string; cause?: unknown },
  ) {
    const code = kind === 'rate_limited' ? 'delivery_rate_limited' : kind === 'temporary' ? 'delivery_temporary' : 'delivery_permanent';
    super(code, message, { cause: fields.cause });
    this.name = 'DeliveryError';
    this.kind = kind;
    this.retryAfterMs = fields.retryAfterMs;
    this.global = fields.global ?? false;
    this.reason = fields.reason;
    this.platformCode = fields.platformCode;
  }

  static rateLimited(message: string, retryAfterMs: number, opts: { global?: boolean; platformCode?: string; cause?: unknown } = {}): DeliveryError {
    return new DeliveryError('rate_limited', message, { ...opts, retryAfterMs });
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
