// Turns discord.js's REST errors into what the core understands: DeliveryErrors for sends, failure codes for access.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { AccessFailureCode } from '../../core/access/ports';
import { DeliveryError } from '../../core/errors';

/** Discord's JSON error codes we act on (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
export const DISCORD_CODES = {
  unknownChannel: 10003,
  unknownGuild: 10004,
  unknownMember: 10007,
  unknownRole: 10011,
  unknownUser: 10013,
  missingAccess: 50001,
  cannotSendToUser: 50007,
  missingPermissions: 50013,
} as const;

/**
 * A 429 as discord.js reports it (with `rejectOnRateLimit`): a global limit pauses everything; a
 * per-route one (scope user or shared) pauses that route's bucket, named by its route and major
 * parameter (the channel or guild), as Discord's X-RateLimit-Bucket does.
 */
function rateLimited(err: RateLimitError): DeliveryError {
  const retryAfterMs = Math.max(0, err.retryAfter);
  if (err.global || err.scope === 'global') return DeliveryError.rateLimited(`rate limited (global): retry after ${retryAfterMs} ms`, retryAfterMs, { scope: 'global', platformCode: '429' });
  return DeliveryError.rateLimited(`rate limited on ${err.route}: retry after ${retryAfterMs} ms`, retryAfterMs, {
    scope: 'route', bucket: `${err.route}:${err.majorParameter}`, platformCode: '429',
  });
}

/** Why a network call failed, without its URL. */
function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.code ?? 'failed';
}

const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'DNS lookup failed', EAI_AGAIN: 'DNS lookup failed', ECONNRESET: 'connection reset',
  ENETUNREACH: 'network unreachable', EHOSTUNREACH: 'host unreachable', ETIMEDOUT: 'timed out',
};

/** Why Discord could not be reached, as the log and /readyz say it for every platform: "connection refused (ECONNREFUSED)"; never a URL or the token. */
export function unreachableCause(err: unknown): string {
  if (err instanceof HTTPError) return `HTTP ${err.status}`;
  if (err instanceof DiscordAPIError) return `${err.status} ${err.message}`.slice(0, 200);
  const reason = networkReason(err);
  return CODE_WORDS[reason] ? `${CODE_WORDS[reason]} (${reason})` : reason === 'failed' ? 'network error' : reason;
}

/** A failed send: 50007 and unknown channels or users are permanent (the destination is disabled); the rest is retried. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) return rateLimited(err);
  if (err instanceof DiscordAPIError) {
    const code = String(err.code);
    switch (err.code) {
      case DISCORD_CODES.cannotSendToUser:
        return DeliveryError.permanent(err.message, 'blocked', { platformCode: code });
      case DISCORD_CODES.unknownChannel:
      case DISCORD_CODES.unknownUser:
        return DeliveryError.permanent(err.message, 'chat_not_found', { platformCode: code });
      case DISCORD_CODES.missingAccess:
      case DISCORD_CODES.missingPermissions:
        return DeliveryError.permanent(err.message, 'forbidden', { platformCode: code });
      default:
        // 401 is the bot's token, not the destination: temporary, like Telegram's.
        return DeliveryError.temporary(err.status === 401 ? `${err.message}: the bot token was refused` : err.message, { platformCode: code });
    }
  }
  if (err instanceof HTTPError) return DeliveryError.temporary(`HTTP ${err.status}`, { platformCode: String(err.status) });
  return DeliveryError.temporary(`network error: ${networkReason(err)}`, { platformCode: 'network', cause: err });
}

/** An access call's failure as a stable code, and the platform's words beside it. */
export function toAccessFailure(err: unknown): { code: AccessFailureCode; detail: string } {
  if (err instanceof RateLimitError) return { code: 'rate_limited', detail: `rate limited on ${err.route}` };
  if (err instanceof DiscordAPIError) {
    const detail = `${err.message} (${String(err.code)})`;
    switch (err.code) {
      case DISCORD_CODES.missingPermissions:
      case DISCORD_CODES.missingAccess:
        return { code: 'missing_permission', detail };
      case DISCORD_CODES.unknownMember:
        return { code: 'not_member', detail };
      case DISCORD_CODES.unknownRole:
      case DISCORD_CODES.unknownGuild:
        return { code: 'resource_not_found', detail };
      default:
        return { code: 'platform_error', detail };
    }
  }
  if (err instanceof HTTPError) return { code: err.status >= 500 ? 'platform_unreachable' : 'platform_error', detail: `HTTP ${err.status}` };
  return { code: 'platform_unreachable', detail: `network error: ${networkReason(err)}` };
}
