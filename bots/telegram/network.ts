// Bounded network behaviour for the bot's own Api: a per-call timeout, a few retries of calls that never reached Telegram, and why a call failed.
import { GrammyError, HttpError, type Api, type Transformer } from 'grammy';

/** grammy types its signals with its own AbortSignal shim; Node's AbortSignal is what it gets at run time. */
export type ApiSignal = Parameters<Api['getMe']>[0];
export const toApiSignal = (signal: AbortSignal | undefined): ApiSignal => signal as unknown as ApiSignal;

/** How long one Bot API call (other than a long poll) may take. */
export const CALL_TIMEOUT_MS = 10_000;

/** Waits before each retry of a call that could not reach Telegram: at most three tries, 1.5 s of waiting. */
export const NETWORK_RETRY_WAITS_MS: readonly number[] = [500, 1_000];

/** Connection errors that mean the request never reached Telegram, so sending it again cannot repeat it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The system error code under grammy's HttpError (node-fetch puts it on the error, undici on its cause). */
export function networkCode(err: unknown): string | undefined {
  if (!(err instanceof HttpError)) return undefined;
  const inner = err.error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = inner?.code ?? inner?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function isTimeout(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  const inner = err.error as { name?: string; message?: string; type?: string } | undefined;
  return inner?.name === 'AbortError' || inner?.name === 'TimeoutError' || inner?.type === 'aborted' || /timed out/i.test(inner?.message ?? '');
}

const sleep = (ms: number, signal: ApiSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/**
 * Every call gets `timeoutMs` (a long poll: its own `timeout` plus that), after which it fails as
 * a network error ("timed out") instead of waiting for the client's long-poll timeout.
 */
export function callTimeout(timeoutMs = CALL_TIMEOUT_MS): Transformer {
  return async (prev, method, payload, signal) => {
    const pollSeconds = method === 'getUpdates' ? Number((payload as { timeout?: number } | undefined)?.timeout ?? 0) : 0;
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, timeoutMs + pollSeconds * 1000);
    try {
      return await prev(method, payload, toApiSignal(controller.signal));
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  };
}

/**
 * Retries a call that could not reach Telegram (connection refused, DNS, unreachable network) after
 * each of `waitsMs`, then rethrows. A timed-out or reset call is not retried: Telegram may have
 * acted on it (a message sent twice), so its caller decides. getUpdates is left to the polling loop.
 */
export function networkRetry(waitsMs: readonly number[] = NETWORK_RETRY_WAITS_MS): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        const wait = waitsMs[attempt];
        const code = networkCode(err);
        if (method === 'getUpdates' || wait === undefined || signal?.aborted || code === undefined || !NOT_SENT.has(code)) throw err;
        await sleep(wait, signal);
        if (signal?.aborted) throw err;
      }
    }
  };
}

/** Why Telegram could not be used, in words for the log and /readyz; never the token. */
export interface TelegramFailure {
  /** The token was refused (401, or 404 for a malformed one): retrying cannot help. */
  tokenRefused: boolean;
  /** e.g. "connection refused (ECONNREFUSED)", "DNS lookup failed (ENOTFOUND)", "401 Unauthorized". */
  cause: string;
}

const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
};

/** Classifies a failed call of the bot's Api (getMe, setMyCommands, deleteWebhook, setWebhook). */
export function toTelegramFailure(err: unknown): TelegramFailure {
  const inner = (err as { error?: unknown } | undefined)?.error;
  const e = err instanceof GrammyError || err instanceof HttpError ? err : inner instanceof GrammyError || inner instanceof HttpError ? inner : err;
  if (e instanceof GrammyError) {
    const words = e.error_code === 401 ? 'Unauthorized' : e.description.replace(/^[^:]*:\s*/, '').slice(0, 120);
    return { tokenRefused: e.error_code === 401 || e.error_code === 404, cause: `${e.error_code} ${words}` };
  }
  if (e instanceof HttpError) {
    if (isTimeout(e)) return { tokenRefused: false, cause: 'timed out' };
    const code = networkCode(e);
    const status = (e.error as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number') return { tokenRefused: false, cause: `HTTP ${status} (not the Bot API)` };
    return { tokenRefused: false, cause: code ? `${CODE_WORDS[code] ?? 'network error'} (${code})` : 'network error' };
  }
  return { tokenRefused: false, cause: err instanceof Error ? err.message : String(err) };
}
