// Turns the test platform's answers and network failures into DeliveryErrors the engine understands.
import { DeliveryError, type RateLimitScope } from '../../core/errors';

/** The error half of a Telegram-shaped answer. */
interface ErrorBody {
  ok?: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; scope?: unknown; bucket?: unknown };
}

const SCOPES: ReadonlySet<string> = new Set<RateLimitScope>(['chat', 'tenant', 'route', 'global']);

/** The scope a 429 names; a missing or unknown one is the chat's (the narrowest that still honours it for this send). */
function scopeOf(scope: unknown): RateLimitScope {
  return typeof scope === 'string' && SCOPES.has(scope) ? (scope as RateLimitScope) : 'chat';
}

function asErrorBody(body: unknown): ErrorBody {
  return body && typeof body === 'object' ? (body as ErrorBody) : {};
}

/**
 * Maps an HTTP status and body: 429 to rate_limited with retry_after, in the
 * scope `parameters.scope` names (and its `bucket` for a route); 403 and 400 "chat not found" to permanent; 5xx
 * and anything unexpected to temporary. A 401 is temporary too: a refused
 * token is the bot's problem, not the destination's, and must not disable it.
 */
export function toDeliveryError(status: number, body: unknown): DeliveryError {
  const b = asErrorBody(body);
  const code = String(b.error_code ?? status);
  const description = typeof b.description === 'string' && b.description ? b.description : `HTTP ${status}`;
  if (status === 429) {
    const seconds = typeof b.parameters?.retry_after === 'number' ? b.parameters.retry_after : 1;
    const scope = scopeOf(b.parameters?.scope);
    const bucket = scope === 'route' && typeof b.parameters?.bucket === 'string' ? b.parameters.bucket : undefined;
    return DeliveryError.rateLimited(description, Math.max(0, seconds * 1000), { scope, bucket, platformCode: code });
  }
  if (status === 403) {
    const blocked = /blocked|kicked|deactivated/i.test(description);
    return DeliveryError.permanent(description, blocked ? 'blocked' : 'forbidden', { platformCode: code });
  }
  if (status === 400 && /chat not found/i.test(description)) {
    return DeliveryError.permanent(description, 'chat_not_found', { platformCode: code });
  }
  if (status === 401) return DeliveryError.temporary(`${description}: the bot token was refused`, { platformCode: code });
  // Other 400s are about one message (our rendering), never the chat: retried, then dead-lettered.
  return DeliveryError.temporary(description, { platformCode: code });
}

/** A send that got no answer (refused connection, reset, timeout): temporary. Never carries the URL, which holds the token. */
export function networkError(err: unknown): DeliveryError {
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  const reason = e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timed out' : (e?.cause?.code ?? e?.code ?? 'failed');
  return DeliveryError.temporary(`network error: ${reason}`, { platformCode: 'network', cause: err });
}
