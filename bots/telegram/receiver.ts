// How updates reach the bot: long polling (the default) or a webhook (TELEGRAM_MODE=webhook, at PUBLIC_URL), behind one small interface.
import { timingSafeEqual } from 'node:crypto';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { AdapterResponse, AdapterRoute } from '../../core/platform/adapter';
import type { Logger } from '../../core/logger';
import { describeForLog } from './errors';
import { toApiSignal } from './network';

/** The updates Signalcast acts on; chat_member is only sent when asked for. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'chat_join_request', 'chat_member', 'my_chat_member'] as const;

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

/** Starts and stops the flow of updates into a bot. */
export interface TelegramReceiver {
  readonly mode: 'polling' | 'webhook';
  /** Resolves once updates flow (polling has begun, or the webhook is set); `signal` abandons it. */
  start(bot: Bot, signal?: AbortSignal): Promise<void>;
  /** Why updates stopped flowing on their own after the start (long polling refused with 401 or 409), if they did. */
  readonly failure: string | undefined;
  stop(): Promise<void>;
}

/**
 * Long polling with grammy's bot.start: pending updates are kept (not dropped), so nothing sent
 * while the service was down is lost. The loop runs until stop(); if it ends on its own (another
 * instance polls with the same token: 409, or the token was revoked: 401) that is logged.
 */
export class PollingReceiver implements TelegramReceiver {
  readonly mode = 'polling' as const;
  private bot: Bot | undefined;
  private loop: Promise<void> | undefined;
  failure: string | undefined;

  constructor(private readonly options: { logger: Logger; token: string; timeoutSeconds?: number }) {}

  async start(bot: Bot, signal?: AbortSignal): Promise<void> {
    this.bot = bot;
    this.failure = undefined;
    // bot.start() also deletes the webhook, but retries a network error for ever: this call is bounded.
    await bot.api.deleteWebhook({ drop_pending_updates: false }, toApiSignal(signal));
    await new Promise<void>((resolve, reject) => {
      this.loop = bot.start({
        drop_pending_updates: false,
        allowed_updates: [...ALLOWED_UPDATES],
        timeout: this.options.timeoutSeconds ?? 30,
        onStart: () => resolve(),
      }).catch((err: unknown) => {
        reject(err);
        const error = describeForLog(err, this.options.token);
        this.failure = `long polling stopped: ${error.message}`;
        this.options.logger.error({ error }, 'Telegram long polling stopped');
      });
    });
  }

  /** Ends the long poll; the last getUpdates (which confirms the offset) is bounded by the Api's call timeout. */
  async stop(): Promise<void> {
    if (this.bot?.isRunning()) await this.bot.stop().catch((err: unknown) => this.options.logger.warn({ error: describeForLog(err, this.options.token) }, 'could not confirm the last Telegram updates; they come again at the next start'));
    await this.loop?.catch(() => undefined);
  }
}

/**
 * A webhook at `${publicUrl}/webhooks/telegram`: setWebhook with the secret token, which Telegram
 * sends back in X-Telegram-Bot-Api-Secret-Token. The route itself is registerTelegramWebhook's.
 */
export class WebhookReceiver implements TelegramReceiver {
  readonly mode = 'webhook' as const;
  readonly failure = undefined;

  constructor(private readonly options: { url: string; secret: string }) {}

  async start(bot: Bot, signal?: AbortSignal): Promise<void> {
    await bot.api.setWebhook(this.options.url, { secret_token: this.options.secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false }, toApiSignal(signal));
  }

  /** The webhook stays set: Telegram keeps the updates until the next start. */
  async stop(): Promise<void> {}
}

function sameSecret(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An update from the raw request body. */
function readUpdate(body: Buffer): Update | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const id = (value as { update_id?: unknown } | null)?.update_id;
  return typeof id === 'number' && Number.isInteger(id) ? (value as Update) : undefined;
}

/** What the webhook route needs of the bot. */
export interface WebhookTarget {
  /** False until start() has run (the bot needs to know itself to handle updates). */
  readonly ready: boolean;
  handleUpdate(update: Update): Promise<void>;
}

const refuse = (status: number, code: string, message: string): AdapterResponse => ({ status, body: { error: { code, message } } });

/**
 * POST /webhooks/telegram: 401 unless X-Telegram-Bot-Api-Secret-Token matches, 400 for a body that
 * is not an update, 503 before the bot has started (Telegram retries), else 200 once handled. A
 * failure inside the bot is logged and still answered 200, so one bad update is not retried forever.
 */
export function telegramWebhookRoute(bot: WebhookTarget, secret: string): AdapterRoute {
  return {
    method: 'POST',
    path: TELEGRAM_WEBHOOK_PATH,
    async handle(request) {
      if (!sameSecret(request.headers['x-telegram-bot-api-secret-token'], secret)) {
        return refuse(401, 'unauthorized', 'wrong or missing X-Telegram-Bot-Api-Secret-Token');
      }
      const update = readUpdate(request.rawBody);
      if (!update) return refuse(400, 'validation_failed', 'expected a Telegram Update as JSON');
      if (!bot.ready) return refuse(503, 'not_ready', 'the bot is starting');
      await bot.handleUpdate(update);
      return { status: 200, body: { ok: true } };
    },
  };
}
