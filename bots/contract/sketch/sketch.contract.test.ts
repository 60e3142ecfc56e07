import { GUILDCHAT, createGuildchatAdapter } from './adapter';
import { describeChatPlatformContract } from '../chat-platform-contract';
import { GuildchatEmulator, GuildchatError } from './emulator';
import { sketchContext } from './context';

const SCOPE_WORDS = { chat: 'channel', tenant: 'guild', route: 'route', global: 'app' } as const;

describeChatPlatformContract('guildchat (the sketch adapter)', async () => {
  const emulator = new GuildchatEmulator();
  emulator.addGuild('g1', { channels: [], roles: { vip: 1 }, botPosition: 5 });
  emulator.block('900');
  const adapter = createGuildchatAdapter({ emulator }, sketchContext());
  return {
    platform: adapter.sender,
    recipient: (chatId) => {
      emulator.addChannel('g1', chatId);
      return { platform: GUILDCHAT, tenant: 'g1', chatId };
    },
    blockedRecipient: { platform: GUILDCHAT, chatId: '900', direct: true },
    missingRecipient: { platform: GUILDCHAT, tenant: 'g1', chatId: '404' },
    injectRateLimit: (seconds, scope) => emulator.failNext(new GuildchatError('rate_limited', 'slow down', { scope: SCOPE_WORDS[scope ?? 'chat'], retryAfterMs: seconds * 1000 })),
    injectServerError: () => emulator.failNext(new GuildchatError('unavailable', 'try again later')),
    received: (to) => emulator.messages.filter((m) => m.where === `${to.tenant}/${to.chatId}`).map((m) => [m.text, ...m.buttons.map((b) => `${b.label}: ${b.url ?? ''}`)].join('\n')),
    // A thread on guildchat: the messages posted with threadOf set to it.
    threadOf: (to, id) => emulator.messages.filter((m) => m.where === `${to.tenant}/${to.chatId}` && m.threadOf === id).map((m) => m.text),
    images: adapter.capabilities.images,
    receivedImages: () => [],
    stop: async () => {},
  };
});
