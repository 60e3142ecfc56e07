// The inbound contract on Telegram: the real grammy bot (long polling) against the Telegram emulator.
import type { InlineKeyboardButton } from 'grammy/types';
import { sendNowNoticeSink } from '../../core/access/notices';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { openMemoryDatabase } from '../../db/client';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { SqliteInstallationStore } from '../../db/stores/installation-store';
import { SecretBox } from '../../core/tenancy/secret-box';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { describeInboundContract } from '../contract/inbound-contract';
import { createTelegramAdapter } from './adapter';

const userIdOf = (n: number) => 5000 + n;

describeInboundContract('telegram', async () => {
  // The real clock: two replies in a second meet Telegram's per-chat limit, and the bot waits it out as it would.
  const emu = await startTelegramEmulator({ botUsername: 'signalcast_contract_bot' });
  const db = openMemoryDatabase();
  const adapter = createTelegramAdapter(
    { token: emu.token, apiRoot: emu.apiRoot, mode: 'polling', operatorIds: [], inviteMode: 'join_request' },
    {
      logger: silentLogger, clock: systemClock, publicUrl: undefined, platforms: ['telegram'],
      access: { store: new SqliteAccessStore({ db, clock: systemClock }), notices: sendNowNoticeSink(new Map()) },
      installations: new SqliteInstallationStore({ db, clock: systemClock, secrets: new SecretBox(undefined) }),
    },
    { pollingTimeoutSeconds: 1 },
  );
  return {
    adapter,
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
    stop: async () => {
      await emu.stop();
      db.$client.close();
    },
  };
});
