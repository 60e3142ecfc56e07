// The chat platforms the settings configure: the test platform and the Telegram bot (its sending side goes to the dispatcher).
import { publicCommands } from '../bots/commands/help';
import { createTestchatPlatform } from '../bots/testchat';
import { createTelegramBot, type TelegramBot } from '../bots/telegram';
import type { EventHandler } from '../core/inbound/types';
import type { Config } from '../config';
import type { ChatPlatform } from '../core/delivery/chat-platform';
import type { Logger } from '../core/logger';
import type { PlatformName } from '../core/types';

/** The platforms that only send (no bot receiving updates): TESTCHAT_URL. */
export function createSendingPlatforms(config: Config): Map<PlatformName, ChatPlatform> {
  const platforms = new Map<PlatformName, ChatPlatform>();
  if (config.testchat.url) {
    platforms.set('testchat', createTestchatPlatform({ url: config.testchat.url, token: config.testchat.token ?? '' }));
  }
  return platforms;
}

/**
 * The Telegram bot when TELEGRAM_BOT_TOKEN is set (or the sandbox gave one), else null: long
 * polling, or with TELEGRAM_MODE=webhook a webhook at PUBLIC_URL/webhooks/telegram.
 */
export function createTelegram(config: Config, deps: { logger: Logger; onEvent: EventHandler }): TelegramBot | null {
  const { token, apiRoot, webhookSecret, operatorIds } = config.telegram;
  if (!token) return null;
  return createTelegramBot({
    token,
    apiRoot,
    webhook: config.telegram.mode === 'webhook' && config.publicUrl ? { publicUrl: config.publicUrl, secret: webhookSecret } : undefined,
    operatorIds,
    // The same commands /help lists: /link only with a second chat app (TESTCHAT_URL) to link with.
    menu: publicCommands({ platforms: config.testchat.url ? ['telegram', 'testchat'] : ['telegram'] }),
    logger: deps.logger.child({ component: 'telegram' }),
    onEvent: deps.onEvent,
  });
}
