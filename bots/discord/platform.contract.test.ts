import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { DISCORD_CAPABILITIES } from './adapter';
import { readable, startDiscordWorld } from './contract.fixtures';
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
    // A thread on Discord: the replies that reference it.
    threadOf: (to, id) => w.emulator.messagesIn(to.chatId).filter((m) => m.message_reference?.message_id === id)
      .map((m) => [readable(m), ...m.embeds.flatMap((e) => (e.footer ? [e.footer.text] : []))].join('\n')),
    images: DISCORD_CAPABILITIES.images,
    // Images an embed shows: attachments its image points at.
    receivedImages: (to) => w.emulator.messagesIn(to.chatId).flatMap((m) => m.attachments.filter((a) => m.embeds.some((e) => e.image?.url === a.url)))
      .map((a) => w.emulator.attachmentBytes(a.id)!),
    stop: () => w.emulator.stop(),
  };
});
