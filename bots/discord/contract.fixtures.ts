// A Discord emulator with one server for the contract suites: channels for the send contract, a VIP role below the bot's and one above it.
import type { APIMessage } from 'discord-api-types/v10';
import { startDiscordEmulator, type DiscordEmulator, type GuildView } from '../../sandbox/discord';

export interface DiscordWorld {
  emulator: DiscordEmulator;
  guild: GuildView;
  /** The texts of a channel's messages as a person reads them: markdown applied, embeds' title, description and fields. */
  textsIn(channelId: string): string[];
  /** The texts a person got from the bot in private. */
  dmsOf(userId: string): string[];
}

/** What a person reads of one message: backslash escapes applied, an embed's parts one per line. */
export function readable(message: APIMessage): string {
  const parts = [message.content, ...message.embeds.flatMap((e) => [e.author?.name, e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`)])];
  return parts.filter((p): p is string => Boolean(p)).join('\n').replace(/\\(.)/g, '$1');
}

export async function startDiscordWorld(): Promise<DiscordWorld> {
  const emulator = await startDiscordEmulator({ gatewayUrl: 'ws://127.0.0.1:9/gateway' });
  const guild = emulator.createGuild({ channels: ['101', '102', '103', '104', '105', '106', 'alerts'], roles: ['VIP', 'Admin'] });
  emulator.moveRoleAboveBot(guild.id, guild.roles.Admin!);
  const textsIn = (channelId: string) => emulator.messagesIn(channelId).map(readable);
  return {
    emulator,
    guild,
    textsIn,
    dmsOf: (userId) => {
      const channel = emulator.state.dmChannels.get(userId);
      return channel ? textsIn(channel.id) : [];
    },
  };
}
