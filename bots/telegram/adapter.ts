// Telegram as a PlatformAdapter: the grammy bot, its sender, its access gate and its webhook route, from its settings.
import type { EventHandler } from '../../core/inbound/types';
import type { AdapterContext, PlatformAdapter, PlatformCapabilities } from '../../core/platform/adapter';
import { publicCommands } from '../commands/help';
import { TelegramAccessGate, type InviteMode } from './access';
import { createTelegramBot, type TelegramBot, type TelegramBotOptions } from './index';
import { telegramWebhookRoute } from './receiver';

/** Telegram's settings, as config.ts reads them (TELEGRAM_*). */
export interface TelegramSettings {
  token: string;
  apiRoot?: string | undefined;
  /** How updates arrive: long polling, or a webhook at PUBLIC_URL/webhooks/telegram. */
  mode: 'polling' | 'webhook';
  webhookSecret?: string | undefined;
  operatorIds: readonly string[];
  inviteMode: InviteMode;
}

/** What Telegram can do (PLATFORMS.md in the shared docs): buttons, edits, replies, images, 4,096 characters of HTML. */
export const TELEGRAM_CAPABILITIES: PlatformCapabilities = {
  buttons: true,
  edits: true,
  threads: true,
  ephemeral: false,
  images: true,
  directMessages: true,
  freeText: true,
  maxMessageLength: 4096,
  markup: 'html',
  access: ['chat', 'join_request', 'invite_link'],
};

/** A Telegram adapter and the bot under it (its tests and the sandbox reach the bot). */
export interface TelegramAdapter extends PlatformAdapter {
  readonly bot: TelegramBot;
  readonly gate: TelegramAccessGate;
}

/** Builds the bot, its gate and its webhook route; contacts nothing until `start`. Fails, naming the setting, on unusable settings. */
export function createTelegramAdapter(settings: TelegramSettings, ctx: AdapterContext, tuning: Partial<TelegramBotOptions> = {}): TelegramAdapter {
  let handler: EventHandler = async () => [];
  const logger = ctx.logger.child({ component: 'telegram' });
  const bot = createTelegramBot({
    token: settings.token,
    apiRoot: settings.apiRoot,
    webhook: settings.mode === 'webhook' && ctx.publicUrl ? { publicUrl: ctx.publicUrl, secret: settings.webhookSecret } : undefined,
    operatorIds: settings.operatorIds,
    // The same commands /help lists: /link only with a second chat app to link with.
    menu: publicCommands({ platforms: ctx.platforms }),
    logger,
    onEvent: (event) => handler(event),
    ...tuning,
  });
  const gate = new TelegramAccessGate({
    api: bot.api, store: ctx.access.store, clock: ctx.clock, logger: ctx.logger.child({ component: 'access' }), notices: ctx.access.notices, inviteMode: settings.inviteMode,
  });
  return {
    name: 'telegram',
    label: 'Telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    sender: bot.platform,
    gate,
    bot,
    operatorIds: settings.operatorIds,
    async start(onEvent, signal) {
      handler = onEvent;
      await bot.start(signal);
    },
    stop: () => bot.stop(),
    routes(registrar) {
      if (bot.webhook) registrar.add(telegramWebhookRoute(bot, bot.webhook.secret));
    },
    receiveFailure: () => bot.receiveFailure,
    deepLink: (payload) => bot.deepLink(payload),
  };
}
