// Stripe's errors turned into ours: a BillingError with Stripe's evidence (type, code, request id), never the key.
import Stripe from 'stripe';
import { SignalcastError, type ErrorCode } from '../core/errors';

/** A Stripe call failed. `retryable`: trying again later may work (network, 5xx, rate limit). */
export class BillingError extends SignalcastError {
  readonly retryable: boolean;
  /** Stripe's error type, e.g. "StripeInvalidRequestError". */
  readonly stripeType: string | undefined;
  /** Stripe's error code, e.g. "resource_missing". */
  readonly stripeCode: string | undefined;
  readonly requestId: string | undefined;
  readonly statusCode: number | undefined;

  constructor(code: ErrorCode, message: string, fields: { retryable: boolean; stripeType?: string; stripeCode?: string; requestId?: string; statusCode?: number; cause?: unknown }) {
    super(code, message, { cause: fields.cause });
    this.name = 'BillingError';
    this.retryable = fields.retryable;
    this.stripeType = fields.stripeType;
    this.stripeCode = fields.stripeCode;
    this.requestId = fields.requestId;
    this.statusCode = fields.statusCode;
  }
}

export function isStripeError(err: unknown): err is Stripe.errors.StripeError {
  return err instanceof Stripe.errors.StripeError;
}

/** True for Stripe's "No such ..." answer (404 resource_missing). */
export function isResourceMissing(err: unknown): boolean {
  return isStripeError(err) && (err.code === 'resource_missing' || err.statusCode === 404);
}

/** Turns anything a Stripe call threw into a BillingError; `doing` names the call, e.g. "creating a checkout session". */
export function toBillingError(err: unknown, doing: string): BillingError {
  if (err instanceof BillingError) return err;
  if (!isStripeError(err)) {
    return new BillingError('internal', `Stripe call failed while ${doing}: ${(err as Error)?.message ?? String(err)}`, { retryable: true, cause: err });
  }
  const evidence = { stripeType: err.type, stripeCode: err.code, requestId: err.requestId, statusCode: err.statusCode, cause: err };
  // Stripe's messages name parameters and ids, never the secret key; they are safe to log.
  const detail = `${err.type}${err.code ? ` ${err.code}` : ''}: ${err.message}`;
  switch (err.type) {
    case 'StripeRateLimitError':
      return new BillingError('rate_limited', `Stripe rate-limited us while ${doing}`, { ...evidence, retryable: true });
    case 'StripeConnectionError':
    case 'StripeAPIError':
      return new BillingError('internal', `Stripe is unavailable while ${doing} (${detail})`, { ...evidence, retryable: true });
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new BillingError('config_invalid', `Stripe refused our key while ${doing}: check STRIPE_SECRET_KEY (${err.type})`, { ...evidence, retryable: false });
    case 'StripeInvalidRequestError':
      if (isResourceMissing(err)) return new BillingError('not_found', `Stripe has no such object while ${doing} (${detail})`, { ...evidence, retryable: false });
      return new BillingError('internal', `Stripe refused the request while ${doing} (${detail})`, { ...evidence, retryable: false });
    default:
      return new BillingError('internal', `Stripe call failed while ${doing} (${detail})`, { ...evidence, retryable: (err.statusCode ?? 500) >= 500 });
  }
}
