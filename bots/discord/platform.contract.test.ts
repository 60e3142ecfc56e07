import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { startDiscordWorld } from './contract.fixtures';
import { DiscordPlatform, sendingRest } from './platform';

describeChatPlatformContract('discord', async () => {
  const w = await startDiscordWorld();
  const blocked = w.emulator.memberJoins(w.guild.id, { username: 'closed' });
  w.emulator.closeDms(blocked);
  const channelOf = (chatId: string) => w.guild.channels[chatId] ?? chatId;
  return {
    platform: new DiscordPlatform(sendingRest({ token: w.emulator.token, apiUrl: w.emulator.apiUrl })),
    recipient: (chatId) => ({ platform: 'discord', chatId: channelOf(chatId), tenant: w.guild.id }),
    blockedRecipient: { platform: 'discord', chatId: blocked, direct: true },
    missingRecipient: { platform: 'discord', chatId: '999999999999999999', tenant: w.guild.id },
    injectRateLimit: (seconds, scope) => w.emulator.inject429({ scope: scope === 'global' ? 'global' : 'user', retryAfterSeconds: seconds, count: 1 }),
    injectServerError: (status) => w.emulator.server.failNext({ kind: 'server_error', status }),
    received: (to) => w.textsIn(to.chatId),
    stop: () => w.emulator.stop(),
  };
});
