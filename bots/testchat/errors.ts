// Turns testchat's error answers and network failures into the core's DeliveryErrors and access failure codes: the one place its codes are read.
import type { AccessFailureCode } from '../../core/access/ports';
import { DeliveryError, type RateLimitScope } from '../../core/errors';

/** Testchat's error body: {error: {code, message, scope?, bucket?, retry_after_ms?}}. */
export interface TestchatError {
  code: string;
  message: string;
  scope?: RateLimitScope | undefined;
  /** With scope 'route': the bucket that is limited. */
  bucket?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** Reads the error half of an answer; a body that is not testchat's shape becomes `http_<status>`. */
export function readError(status: number, body: unknown): TestchatError {
  const e = (body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined) as Record<string, unknown> | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return { code: `http_${status}`, message: `HTTP ${status}` };
  const scope = e.scope === 'chat' || e.scope === 'tenant' || e.scope === 'route' || e.scope === 'global' ? e.scope : undefined;
  return {
    code: e.code,
    message: typeof e.message === 'string' && e.message ? e.message : e.code,
    scope,
    bucket: scope === 'route' && typeof e.bucket === 'string' ? e.bucket : undefined,
    retryAfterMs: typeof e.retry_after_ms === 'number' && e.retry_after_ms >= 0 ? e.retry_after_ms : undefined,
  };
}

/**
 * Maps a refused send: rate_limited to rate_limited with its retry-after and the scope it names
 * (the chat's when it names none it knows, with the bucket of a route); blocked and
 * chat_not_found to permanent (the destination is disabled); missing_permission to permanent
 * 'forbidden'; anything else (5xx, invalid_request about one message, unreadable answers) to
 * temporary. A 401 is temporary too: a refused token is the bot's problem, not the destination's.
 */
export function toDeliveryError(status: number, body: unknown): DeliveryError {
  const e = readError(status, body);
  // A server error's status says more than its code.
  const platformCode = status >= 500 ? String(status) : e.code;
  if (status === 429 || e.code === 'rate_limited') {
    return DeliveryError.rateLimited(e.message, e.retryAfterMs ?? 1_000, { scope: e.scope ?? 'chat', bucket: e.bucket, platformCode });
  }
  if (e.code === 'blocked') return DeliveryError.permanent(e.message, 'blocked', { platformCode });
  if (e.code === 'chat_not_found') return DeliveryError.permanent(e.message, 'chat_not_found', { platformCode });
  if (e.code === 'missing_permission') return DeliveryError.permanent(e.message, 'forbidden', { platformCode });
  if (status === 401) return DeliveryError.temporary(`${e.message}: the bot token was refused`, { platformCode });
  return DeliveryError.temporary(e.message, { platformCode });
}

/** The neutral code for a refused access call. */
export function accessFailureCode(status: number, body: unknown): AccessFailureCode {
  const { code } = readError(status, body);
  switch (code) {
    case 'missing_permission':
      return 'missing_permission';
    case 'hierarchy':
      return 'hierarchy';
    case 'chat_not_found':
    case 'unknown_role':
    case 'unknown_tenant':
      return 'resource_not_found';
    case 'unknown_member':
      return 'not_member';
    case 'rate_limited':
      return 'rate_limited';
    default:
      return 'platform_error';
  }
}

/** A call that got no answer (refused connection, reset, timeout): temporary. Never carries the URL. */
export function networkError(err: unknown): DeliveryError {
  return DeliveryError.temporary(`network error: ${networkReason(err)}`, { platformCode: 'network', cause: err });
}

/** Why a call got no answer, in a word or two. */
export function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  return e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timed out' : (e?.cause?.code ?? e?.code ?? 'failed');
}
