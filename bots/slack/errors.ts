// Turns @slack/web-api's errors into what the core understands: DeliveryErrors for sends, channel problems for the workspace commands.
import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { DeliveryError } from '../../core/errors';
import type { ChannelProblem } from '../../core/platform/adapter';

/** The Web API errors that mean the workspace's token no longer works: the app was removed or its token revoked. */
export const TOKEN_ERRORS: ReadonlySet<string> = new Set(['token_revoked', 'account_inactive', 'invalid_auth', 'not_authed', 'token_expired']);

/** The Slack error word of a Web API failure (`channel_not_found`), or undefined when Slack gave none. */
export function slackErrorOf(err: unknown): string | undefined {
  const e = err as Partial<WebAPICallError> | undefined;
  return e?.code === ErrorCode.PlatformError ? (e as { data: { error: string } }).data.error : undefined;
}

/** Whether the failure says the token is dead (see TOKEN_ERRORS). */
export function isTokenError(err: unknown): boolean {
  const word = slackErrorOf(err);
  return word !== undefined && TOKEN_ERRORS.has(word);
}

/** Why a network call failed, without its URL. */
function networkReason(err: unknown): string {
  const original = (err as { original?: { code?: string; name?: string; message?: string } }).original;
  const e = original ?? (err as { code?: string; name?: string });
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'ECONNABORTED' || /timeout/i.test((original?.message ?? ''))) return 'timed out';
  return e?.code && e.code.startsWith('E') ? e.code : 'failed';
}

/** Why Slack could not be reached, for the log and /readyz: never a URL or a token. */
export function unreachableCause(err: unknown): string {
  const e = err as Partial<WebAPICallError>;
  if (e?.code === ErrorCode.HTTPError) return `HTTP ${(err as { statusCode: number }).statusCode}`;
  if (e?.code === ErrorCode.PlatformError) return slackErrorOf(err) ?? 'refused';
  const reason = networkReason(err);
  return reason === 'failed' ? 'network error' : reason;
}

/**
 * A failed send.
 * - A missing, archived or closed channel is permanent: only that destination is disabled.
 * - Blocks Slack refuses are permanent `bad_request` (a retry sends the same blocks).
 * - A dead token is permanent `unauthorized` (the adapter marks an OAuth workspace revoked first).
 * - 429: Slack's answer names no scope, only Retry-After. We read it as the workspace's ('tenant'):
 *   the dispatcher already keeps each channel under its 1/s, so a 429 that still comes is most likely
 *   the workspace-wide limit (rate limits are per app per workspace), and pausing only the one channel
 *   would let the workspace's other channels run into the same wall, one 429 each.
 * - HTTP 5xx and network failures are temporary.
 */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as Partial<WebAPICallError>;
  if (e?.code === ErrorCode.RateLimitedError) {
    const retryAfterMs = Math.max(0, (err as { retryAfter: number }).retryAfter * 1000);
    return DeliveryError.rateLimited(`rate limited: retry after ${retryAfterMs} ms`, retryAfterMs, { scope: 'tenant', platformCode: 'ratelimited' });
  }
  const word = slackErrorOf(err);
  if (word !== undefined) {
    switch (word) {
      case 'channel_not_found':
      case 'user_not_found':
        return DeliveryError.permanent(word, 'chat_not_found', { platformCode: word });
      case 'is_archived':
      case 'not_in_channel':
      case 'restricted_action':
      case 'ekm_access_denied':
        return DeliveryError.permanent(word, 'forbidden', { platformCode: word });
      case 'user_disabled':
      case 'cannot_dm_bot':
      case 'messages_tab_disabled':
        return DeliveryError.permanent(word, 'blocked', { platformCode: word });
      case 'invalid_blocks':
      case 'invalid_blocks_format':
      case 'msg_too_long':
      case 'no_text':
      case 'invalid_arguments':
      case 'too_many_attachments':
        return DeliveryError.permanent(word, 'bad_request', { platformCode: word });
      case 'ratelimited':
        // The body form of a rate limit (HTTP 200): no Retry-After; a second is Slack's per-channel pace.
        return DeliveryError.rateLimited('rate limited (ratelimited)', 1_000, { scope: 'tenant', platformCode: word });
      default:
        if (TOKEN_ERRORS.has(word)) return DeliveryError.permanent(`${word}: the workspace's bot token no longer works`, 'unauthorized', { platformCode: word });
        return DeliveryError.temporary(word, { platformCode: word });
    }
  }
  if (e?.code === ErrorCode.HTTPError) {
    const status = (err as { statusCode: number }).statusCode;
    return DeliveryError.temporary(`HTTP ${status}`, { platformCode: String(status) });
  }
  return DeliveryError.temporary(`network error: ${networkReason(err)}`, { platformCode: 'network', cause: err });
}

/** A failed channel check (conversations.info or .join) as a stable code and the words for the admin. */
export function toChannelProblem(err: unknown): { code: ChannelProblem; detail: string } {
  const word = slackErrorOf(err);
  if (word === 'channel_not_found') return { code: 'not_found', detail: 'Slack knows no such channel in this workspace' };
  if (word === 'is_archived') return { code: 'archived', detail: 'the channel is archived; unarchive it or choose another' };
  if (word !== undefined && (TOKEN_ERRORS.has(word) || ['missing_scope', 'restricted_action', 'method_not_supported_for_channel_type'].includes(word))) {
    return { code: 'not_allowed', detail: `Slack refused (${word}); reinstall the app in this workspace` };
  }
  if (word !== undefined) return { code: 'not_allowed', detail: `Slack refused (${word})` };
  return { code: 'unavailable', detail: `Slack could not be reached (${unreachableCause(err)}); try again in a minute` };
}
