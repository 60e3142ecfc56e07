// The inbound contract on Telegram: the real grammy bot (long polling) against the Telegram emulator.
import type { InlineKeyboardButton } from 'grammy/types';
import type { EventHandler } from '../../core/inbound/types';
import { silentLogger } from '../../core/logger';
import type { PlatformCapabilities } from '../../core/platform/adapter';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { describeInboundContract } from '../contract/inbound-contract';
import { createTelegramBot, type TelegramBot } from './index';

/** What Telegram can do, as its adapter declares it (here until the adapter in app's table is the bot's). */
const TELEGRAM_CAPABILITIES: PlatformCapabilities = {
  buttons: true, edits: true, threads: true, ephemeral: false, images: true, directMessages: true, maxMessageLength: 4096, markup: 'html',
  access: ['chat', 'join_request', 'invite_link'],
};

const userIdOf = (n: number) => 5000 + n;

describeInboundContract('telegram', async () => {
  // The real clock: two replies in a second meet Telegram's per-chat limit, and the bot waits it out as it would.
  const emu = await startTelegramEmulator({ botUsername: 'signalcast_contract_bot' });
  let bot: TelegramBot | undefined;
  return {
    adapter: {
      name: 'telegram',
      capabilities: TELEGRAM_CAPABILITIES,
      async start(onEvent: EventHandler) {
        bot = createTelegramBot({ token: emu.token, apiRoot: emu.apiRoot, logger: silentLogger, pollingTimeoutSeconds: 1, onEvent });
        await bot.start();
      },
      stop: async () => bot?.stop(),
    },
    person: (n) => ({ userId: String(userIdOf(n)), chat: { platform: 'telegram', chatId: String(userIdOf(n)) } }),
    say: async (p, text) => void emu.userSends(Number(p.userId), text),
    pressButton: async (p, messageId, data) => void emu.userPressesButton(Number(p.userId), Number(messageId), data),
    received: (p) => emu.sentMessages(Number(p.chat.chatId)).map((m) => ({
      id: String(m.message_id),
      text: m.text ?? m.caption ?? '',
      buttons: (m.reply_markup?.inline_keyboard ?? []).flat().map((b: InlineKeyboardButton) => ('url' in b ? { label: b.text, url: b.url } : { label: b.text, data: 'callback_data' in b ? b.callback_data : undefined })),
    })),
    // The emulator keeps each message as it is now; Telegram declares no deadline, so no edit history is needed.
    transcript: (p) => emu.sentMessages(Number(p.chat.chatId)).map((m) => m.text ?? ''),
    stop: () => emu.stop(),
  };
});
