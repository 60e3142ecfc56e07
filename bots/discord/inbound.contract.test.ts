// The inbound contract on Discord: the real adapter (discord.js on the gateway) against the Discord emulator. A person's "private chat" is what only they see: the answers to their slash commands in the server (ephemeral), their DMs for everything else.
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption, type APIMessage } from 'discord-api-types/v10';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { AdapterContext } from '../../core/platform/adapter';
import { attachGateway, startDiscordEmulator, type DiscordEmulator } from '../../sandbox/discord';
import { describeInboundContract, type ReceivedMessage } from '../contract/inbound-contract';
import { createDiscordAdapter } from './adapter';

const context: AdapterContext = {
  logger: silentLogger, clock: systemClock, publicUrl: undefined, platforms: ['discord'],
  // The inbound contract grants nothing: no gate is used.
  access: { store: undefined as never, notices: async () => ({ sent: true }) }, installations: undefined as never,
};

/**
 * What a person types after `/name` as the options of the registered command, the way Discord's
 * client fills them: a word each, the last text option taking the rest.
 */
function typedOptions(emulator: DiscordEmulator, name: string, text: string): APIApplicationCommandInteractionDataOption[] {
  const declared = emulator.state.globalCommands.find((c) => c.name === name)?.options ?? [];
  const words = text.split(/\s+/).filter(Boolean);
  return declared.flatMap((option, i): APIApplicationCommandInteractionDataOption[] => {
    const value = i === declared.length - 1 ? words.splice(0).join(' ') : words.shift();
    if (!value) return [];
    if (option.type === ApplicationCommandOptionType.String) return [{ name: option.name, type: option.type, value }];
    if (option.type === ApplicationCommandOptionType.Integer) return [{ name: option.name, type: option.type, value: Number(value) }];
    if (option.type === ApplicationCommandOptionType.User) return [{ name: option.name, type: option.type, value }];
    throw new Error(`the harness types no option of type ${option.type}`);
  });
}

const asReceived = (m: APIMessage): ReceivedMessage => ({
  id: m.id,
  text: m.content,
  buttons: (m.components ?? []).flatMap((row) => ('components' in row ? (row.components as { label?: string; url?: string; custom_id?: string }[]) : []))
    .map((b) => ({ label: b.label ?? '', ...(b.url ? { url: b.url } : { data: b.custom_id }) })),
});

describeInboundContract('discord', async () => {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: 30_000 });
  const guild = emulator.createGuild({ channels: ['general'] });
  const channelId = guild.channels.general!;
  // Members join before the bot starts: the contract is about commands, not joins.
  const members = Array.from({ length: 8 }, (_, n) => emulator.memberJoins(guild.id, { username: `person${n}` }));
  const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [] }, context);
  /** Every answer only this person sees, oldest first: each interaction's reply, then its follow-ups. */
  const answers = (userId: string) => emulator.interactions.of(userId).flatMap((r) => [r.original, ...r.followUps]).filter((m): m is APIMessage => m !== undefined);
  return {
    adapter,
    person: (n) => {
      const userId = members[n]!;
      return { userId, chat: { platform: 'discord', chatId: userId, direct: true } };
    },
    say: async (p, text) => {
      if (!text.startsWith('/')) {
        // The message is there, in the person's DMs with the bot; the bot, without the message intents, is not told.
        emulator.userWrites({ userId: p.userId, text });
        return;
      }
      const [name = '', ...rest] = text.slice(1).split(/\s+/);
      emulator.runCommand({ guildId: guild.id, userId: p.userId, channelId, name, options: typedOptions(emulator, name, rest.join(' ')) });
    },
    pressButton: async (p, messageId, data) => void emulator.pressButton({ guildId: guild.id, userId: p.userId, messageId, customId: data }),
    received: (p) => answers(p.userId).map(asReceived),
    transcript: (p) => emulator.interactions.of(p.userId).flatMap((r) => r.history).map((m) => m.content),
    stop: async () => {
      await gateway.close();
      await emulator.stop();
    },
  };
});
