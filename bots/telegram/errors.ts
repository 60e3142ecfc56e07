// Turns grammy's errors into DeliveryErrors the engine understands, and keeps the bot token out of every message.
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../core/errors';
import { createScrubber } from '../../core/scrub';

/** A bot token anywhere in a text: in grammy's URLs ("/bot123:ABC.../sendMessage") or on its own. */
const TOKEN_SHAPE = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

/**
 * Removes the token (the given one, and anything shaped like one) from a text, with the
 * process-wide scrubber (core/scrub.ts) doing the known value and the other secret shapes.
 */
export function scrubToken(text: string, token?: string): string {
  return createScrubber(token ? [token] : [])(text).replace(TOKEN_SHAPE, '[REDACTED]');
}

/** Telegram refused the HTML: the message can be sent again as plain text. */
export function isEntityParseError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /can't parse entities/i.test(err.description);
}

/** Telegram says the edit would change nothing: not a failure. */
export function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/** Why a network call got no answer, without the URL (which holds the token). */
function networkReason(err: HttpError): string {
  const inner = err.error as { name?: string; message?: string; code?: string; type?: string; status?: number; cause?: { code?: string } } | undefined;
  if (inner?.name === 'AbortError' || inner?.name === 'TimeoutError' || inner?.type === 'aborted' || /timed out/i.test(inner?.message ?? '')) return 'timed out';
  // An answer that was not Telegram's JSON (a proxy's error page): grammy keeps the response.
  if (typeof inner?.status === 'number') return `HTTP ${inner.status}`;
  return inner?.code ?? inner?.cause?.code ?? 'failed';
}

/**
 * Maps a failed Bot API call:
 * - 429: rate_limited, with parameters.retry_after in ms, scope 'chat': Telegram's 429 names no scope, and
 *   as far as the bot can tell it refuses the chat it was sending to (see limits.ts);
 * - 403 "bot was blocked by the user" or "user is deactivated": permanent 'blocked'; other 403s
 *   ("bot was kicked", "bot can't initiate conversation"): permanent 'forbidden';
 * - 400 "chat not found": permanent 'chat_not_found'; other 400s: permanent 'bad_request';
 * - 401/404 (the token was refused): temporary, since it is the bot's fault, not the chat's;
 * - 5xx, other codes and network errors (HttpError): temporary.
 * Messages never carry the token; a network error keeps no cause, because its message holds the URL.
 */
export function toDeliveryError(err: unknown, token?: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GrammyError) {
    const code = String(err.error_code);
    const description = scrubToken(err.description || `HTTP ${code}`, token);
    const opts = { platformCode: code, cause: err };
    switch (err.error_code) {
      case 429: {
        const seconds = err.parameters?.retry_after;
        return DeliveryError.rateLimited(description, Math.max(0, (typeof seconds === 'number' ? seconds : 1) * 1000), { ...opts, scope: 'chat' });
      }
      case 403:
        return DeliveryError.permanent(description, /blocked by the user|user is deactivated/i.test(description) ? 'blocked' : 'forbidden', opts);
      case 400:
        return DeliveryError.permanent(description, /chat not found/i.test(description) ? 'chat_not_found' : 'bad_request', opts);
      case 401:
      case 404:
        return DeliveryError.temporary(`${description}: the bot token was refused (check TELEGRAM_BOT_TOKEN)`, opts);
      default:
        return DeliveryError.temporary(description, opts);
    }
  }
  if (err instanceof HttpError) return DeliveryError.temporary(`network error: ${networkReason(err)}`, { platformCode: 'network' });
  const message = err instanceof Error ? err.message : String(err);
  return DeliveryError.temporary(scrubToken(message, token), { platformCode: 'internal' });
}

/** What a log line may say about any error from grammy: its kind, code and scrubbed description. */
export function describeForLog(err: unknown, token?: string): { kind: string; code?: string; message: string; stack?: string } {
  if (err instanceof GrammyError) return { kind: 'telegram', code: String(err.error_code), message: scrubToken(`${err.method}: ${err.description}`, token) };
  if (err instanceof HttpError) return { kind: 'network', message: `network error: ${networkReason(err)}` };
  const inner = (err as { error?: unknown } | undefined)?.error;
  if (inner && inner !== err && (inner instanceof GrammyError || inner instanceof HttpError)) return describeForLog(inner, token);
  if (err instanceof Error) return { kind: 'internal', message: scrubToken(`${err.name}: ${err.message}`, token), stack: scrubToken(err.stack ?? '', token) };
  return { kind: 'internal', message: scrubToken(String(err), token) };
}
