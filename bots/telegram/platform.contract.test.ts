import { Api } from 'grammy';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { TelegramPlatform } from './platform';

describeChatPlatformContract('telegram', async () => {
  const emu = await startTelegramEmulator({ clock: new FakeClock() });
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
    received: (to) => emu.sentMessages(Number(to.platform === 'telegram' ? to.chatId : NaN)).map((m) => m.text ?? m.caption ?? ''),
    stop: () => emu.stop(),
  };
});
