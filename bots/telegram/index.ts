// The Telegram bot on grammy: built and checked from its settings, with a ChatPlatform for sending and a receiver for updates.
import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, Bot } from 'grammy';
import type { BotCommand, Update } from 'grammy/types';
import { SignalcastError } from '../../core/errors';
import { AdapterStartError } from '../../core/platform/errors';
import type { Logger } from '../../core/logger';
import { OPERATOR_COMMANDS, PUBLIC_COMMANDS, type CommandInfo } from '../commands/help';
import { describeForLog, scrubToken } from './errors';
import type { EventHandler } from '../../core/inbound/types';
import { installInbound } from './inbound';
import { callTimeout, networkRetry, toApiSignal, toTelegramFailure, type TelegramFailure } from './network';
import { TelegramPlatform } from './platform';
import { PollingReceiver, TELEGRAM_WEBHOOK_PATH, WebhookReceiver, type TelegramReceiver, type WebhookTarget } from './receiver';

export { TelegramPlatform, toChatId, type TelegramPlatformOptions } from './platform';
export { toDeliveryError, scrubToken } from './errors';
export { escapeHtml, renderAlert, renderOutbound } from './render';
export { toInboundEvent } from './inbound';
export { ALLOWED_UPDATES, telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH, type WebhookTarget } from './receiver';
export { CALL_TIMEOUT_MS, toTelegramFailure, type TelegramFailure } from './network';

/** One attempt to start the bot failed: why, and whether trying again can help (a refused token cannot). */
export class TelegramStartError extends AdapterStartError {
  declare readonly failure: TelegramFailure & { permanent: boolean };
  constructor(failure: TelegramFailure) {
    super(failure.tokenRefused
      ? `TELEGRAM_BOT_TOKEN: Telegram refused the token (${failure.cause}); copy it again from @BotFather`
      : `Telegram could not be reached: ${failure.cause}`, { ...failure, permanent: failure.tokenRefused });
    this.name = 'TelegramStartError';
  }
}

export interface TelegramBotOptions {
  /** TELEGRAM_BOT_TOKEN. */
  token: string;
  /** TELEGRAM_API_ROOT: Telegram by default, or the emulator. */
  apiRoot?: string | undefined;
  /** Webhook mode (TELEGRAM_MODE=webhook): PUBLIC_URL, and the secret Telegram echoes (random when absent). */
  webhook?: { publicUrl: string; secret?: string | undefined } | undefined;
  /** The public command menu; all of PUBLIC_COMMANDS by default. */
  menu?: readonly CommandInfo[] | undefined;
  /** Telegram user ids of the operators: their command menu also lists the operator commands. */
  operatorIds?: readonly string[] | undefined;
  logger: Logger;
  /** Every command, button press, join request and membership change; commands and buttons get the replies sent back. */
  onEvent: EventHandler;
  /** Long-poll timeout. Default 30 s. */
  pollingTimeoutSeconds?: number | undefined;
  /** How long one call of the bot's own Api (not a long poll) may take. Default 10 s. */
  callTimeoutMs?: number | undefined;
  /** Waits before retrying a call that could not reach Telegram (refused, DNS). Default 0.5 s, 1 s. */
  networkRetryWaitsMs?: readonly number[] | undefined;
  /** How long one sending call may take before it counts as a (temporary) failure. Default 15 s. */
  sendTimeoutSeconds?: number | undefined;
}

export interface TelegramBot extends WebhookTarget {
  /** For the delivery engine. */
  readonly platform: TelegramPlatform;
  /** grammy's Api, for the access gate. */
  readonly api: Api;
  readonly mode: 'polling' | 'webhook';
  /** In webhook mode: where the route listens and the secret it checks (give both to registerTelegramWebhook). */
  readonly webhook: { path: string; url: string; secret: string } | undefined;
  /** Why updates stopped flowing after a successful start (e.g. "long polling stopped: getUpdates: Conflict ..."), else undefined. */
  readonly receiveFailure: string | undefined;
  /** The bot's @username, once started. */
  readonly username: string | undefined;
  /** https://t.me/<bot>?start=<payload>, once started. */
  deepLink(payload: string): string | undefined;
  /**
   * One attempt to learn who the bot is, register the command menu and start receiving updates.
   * Throws a TelegramStartError naming the cause (its `failure.tokenRefused` says whether another
   * attempt can help); `signal` abandons the attempt.
   */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

const TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;

function checkUrl(setting: string, value: string, example: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SignalcastError('config_invalid', `${setting}: expected a URL such as ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SignalcastError('config_invalid', `${setting}: expected an http:// or https:// URL`);
  return value.replace(/\/+$/, '');
}

/**
 * A call refused with "too many requests" (two replies to one chat within a second hit the per-chat
 * limit) waits the retry_after Telegram gives, if it is this short, and is made again.
 */
export const FLOOD_RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 5 } as const;

const toMenu = (commands: readonly CommandInfo[]): BotCommand[] => commands.map((c) => ({ command: c.command, description: c.description }));

/** Fails at construction, naming the setting, when the token, API root or webhook settings are unusable. */
export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  if (!TOKEN.test(options.token)) throw new SignalcastError('config_invalid', 'TELEGRAM_BOT_TOKEN: expected a token from BotFather, like 123456:ABC-DEF...');
  const apiRoot = options.apiRoot ? checkUrl('TELEGRAM_API_ROOT', options.apiRoot, 'https://api.telegram.org') : undefined;
  const client = apiRoot ? { apiRoot } : {};
  const logger = options.logger;
  const token = options.token;

  let webhook: TelegramBot['webhook'];
  if (options.webhook) {
    const base = checkUrl('PUBLIC_URL', options.webhook.publicUrl, 'https://signals.example.com');
    const secret = options.webhook.secret ?? randomBytes(24).toString('base64url');
    if (!SECRET.test(secret)) throw new SignalcastError('config_invalid', 'TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters A-Z, a-z, 0-9, _ or -');
    webhook = { path: TELEGRAM_WEBHOOK_PATH, url: `${base}${TELEGRAM_WEBHOOK_PATH}`, secret };
  }

  // The long poll waits up to its timeout, so the client's own timeout must be longer.
  const bot = new Bot(token, { client: { ...client, timeoutSeconds: (options.pollingTimeoutSeconds ?? 30) + 30 } });
  // Replies, access messages and chat administration wait out a flood limit; deliveries use sendApi,
  // whose limits the dispatcher keeps (each update's ctx.api inherits this transformer).
  // Innermost first: each try gets its own timeout, a flood limit is waited out, and a call that
  // could not reach Telegram at all is tried again a bounded number of times.
  bot.api.config.use(callTimeout(options.callTimeoutMs));
  bot.api.config.use(autoRetry({ ...FLOOD_RETRY, rethrowHttpErrors: true }));
  bot.api.config.use(networkRetry(options.networkRetryWaitsMs));
  const sendApi = new Api(token, { ...client, timeoutSeconds: options.sendTimeoutSeconds ?? 15 });
  const platform = new TelegramPlatform({ api: sendApi, logger: logger.child({ component: 'telegram-platform' }) });
  const receiver: TelegramReceiver = webhook
    ? new WebhookReceiver({ url: webhook.url, secret: webhook.secret })
    : new PollingReceiver({ logger, token, timeoutSeconds: options.pollingTimeoutSeconds });

  // One error boundary per update: log with its id, never the token, and carry on.
  bot.catch((err) => logger.error({ updateId: err.ctx.update.update_id, error: describeForLog(err.error, token) }, 'Telegram update failed'));
  installInbound(bot, { onEvent: options.onEvent, logger, token });

  let ready = false;

  async function registerMenus(abort: AbortSignal | undefined): Promise<void> {
    const signal = toApiSignal(abort);
    const menu = options.menu ?? PUBLIC_COMMANDS;
    await bot.api.setMyCommands(toMenu(menu), {}, signal);
    for (const id of options.operatorIds ?? []) {
      if (!/^\d+$/.test(id)) continue;
      // Only works once the operator has written to the bot: a "chat not found" is not worth failing the start for.
      await bot.api.setMyCommands(toMenu([...menu, ...OPERATOR_COMMANDS]), { scope: { type: 'chat', chat_id: Number(id) } }, signal)
        .catch((err: unknown) => logger.warn({ operatorId: id, error: describeForLog(err, token) }, 'could not set the operator command menu'));
    }
  }

  return {
    platform,
    api: bot.api,
    mode: receiver.mode,
    webhook,
    get ready() {
      return ready;
    },
    get receiveFailure() {
      return receiver.failure;
    },
    get username() {
      return bot.isInited() ? bot.botInfo.username : undefined;
    },
    deepLink(payload) {
      return bot.isInited() ? `https://t.me/${bot.botInfo.username}?start=${encodeURIComponent(payload)}` : undefined;
    },
    async start(signal) {
      try {
        // Not bot.init(): it retries a network error for ever.
        if (!bot.isInited()) bot.botInfo = await bot.api.getMe(toApiSignal(signal));
        await registerMenus(signal);
        ready = true;
        await receiver.start(bot, signal);
      } catch (err) {
        ready = false;
        const failure = toTelegramFailure(err);
        throw new TelegramStartError({ ...failure, cause: scrubToken(failure.cause, token) });
      }
      logger.info({ username: bot.botInfo.username, mode: receiver.mode }, `Telegram bot @${bot.botInfo.username} started (${receiver.mode})`);
    },
    async stop() {
      ready = false;
      await receiver.stop();
    },
    async handleUpdate(update: Update) {
      try {
        await bot.handleUpdate(update);
      } catch (err) {
        const inner = (err as { error?: unknown }).error ?? err;
        logger.error({ updateId: update.update_id, error: describeForLog(inner, token) }, 'Telegram update failed');
      }
    },
  };
}
