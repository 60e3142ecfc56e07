import { Api } from 'grammy';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { multipartBoundary, parseMultipart } from '../../sandbox/telegram/multipart';
import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { TELEGRAM_CAPABILITIES } from './adapter';
import { TelegramPlatform } from './platform';

describeChatPlatformContract('telegram', async () => {
  const clock = new FakeClock();
  const emu = await startTelegramEmulator({ clock });
  const chatOf = (to: { platform: string; chatId: string }) => Number(to.platform === 'telegram' ? to.chatId : NaN);
  emu.addUser(900, { startedBot: true });
  emu.userBlocksBot(900);
  return {
    platform: new TelegramPlatform({ api: new Api(emu.token, { apiRoot: emu.apiRoot }) }),
    recipient: (chatId) => {
      emu.addUser(Number(chatId), { startedBot: true });
      return { platform: 'telegram', chatId };
    },
    blockedRecipient: { platform: 'telegram', chatId: '900' },
    missingRecipient: { platform: 'telegram', chatId: '-1009999999999' },
    // Telegram's 429 names no scope: the adapter reports it as the chat's (bots/telegram/limits.ts), the only scope it declares.
    injectRateLimit: (seconds, scope) => {
      if (scope !== undefined && scope !== 'chat') throw new Error(`Telegram's 429 cannot name the scope '${scope}'`);
      emu.failNext({ kind: 'rate_limit', retryAfterSeconds: seconds }, { method: 'sendMessage' });
    },
    injectServerError: (status) => emu.failNext({ kind: 'server_error', status }, { method: 'sendMessage' }),
    received: (to) => emu.sentMessages(chatOf(to)).map((m) => m.text ?? m.caption ?? ''),
    // A thread on Telegram: the messages that reply to it.
    threadOf: (to, id) => emu.sentMessages(chatOf(to)).filter((m) => m.reply_to_message?.message_id === Number(id)).map((m) => m.text ?? m.caption ?? ''),
    images: TELEGRAM_CAPABILITIES.images,
    // The photos as uploaded: the emulator keeps their sizes, the request keeps their bytes.
    receivedImages: (to) => emu.calls('sendPhoto').filter((c) => c.status === 200).flatMap((c) => {
      const parts = parseMultipart(c.rawBody, multipartBoundary(c.headers['content-type'] as string)!);
      // grammy sends the photo as a part that `photo: attach://<name>` points at.
      const part = parts.fields.photo?.replace('attach://', '');
      return Number(parts.fields.chat_id) === chatOf(to) ? parts.files.filter((f) => f.name === part).map((f) => f.data) : [];
    }),
    // One message a second per chat, on the emulator's clock.
    pace: () => clock.advance(1_000),
    stop: () => emu.stop(),
  };
});
