// Interactions: a member runs a slash command or presses a button (INTERACTION_CREATE with the
// channel object and `entitlements: []` discord.js needs), and the record of how the bot answered.
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIMessage,
  type APIMessageComponentGuildInteraction,
  type Locale,
} from 'discord-api-types/v10';
import { guildRecord } from './drivers';
import type { DiscordState } from './state';

/** Discord's window to answer an interaction (later: 10062 Unknown interaction). */
export const INTERACTION_ACK_MS = 3_000;
/** How long an interaction token takes follow-ups and edits. */
export const INTERACTION_TOKEN_MS = 15 * 60_000;

/** One interaction and what the bot did with it. */
export interface InteractionRecord {
  id: string;
  token: string;
  createdAt: number;
  channelId: string;
  guildId: string;
  userId: string;
  /** For a button: the message it was on (UPDATE_MESSAGE edits it). */
  messageId?: string;
  /** The callback types received, in order (4 message, 5 deferred, 6 deferred update, 7 update). */
  callbacks: number[];
  /** The ephemeral flag (64) of a deferred reply, for the edit that fills it. */
  deferredFlags?: number;
  /** The reply (`@original`), once sent or edited in after a defer. */
  original?: APIMessage;
  followUps: APIMessage[];
}

/** The interactions made by the drivers, by id and by token. */
export class InteractionBook {
  readonly byId = new Map<string, InteractionRecord>();

  byToken(token: string): InteractionRecord | undefined {
    for (const record of this.byId.values()) if (record.token === token) return record;
    return undefined;
  }

  clear(): void {
    this.byId.clear();
  }
}

function base(state: DiscordState, book: InteractionBook, guildId: string, userId: string, channelId: string) {
  const guild = guildRecord(state, guildId);
  const member = guild.members.get(userId);
  const channel = guild.channels.get(channelId);
  if (!member || !channel) throw new Error(`Discord emulator: ${userId} is not in guild ${guildId}, or no channel ${channelId}`);
  const record: InteractionRecord = { id: state.ids.next(), token: `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`, createdAt: state.clock.now(), channelId, guildId, userId, callbacks: [], followUps: [] };
  book.byId.set(record.id, record);
  const locale = 'en-US' as Locale;
  return {
    record,
    payload: {
      id: record.id,
      application_id: state.applicationId,
      token: record.token,
      version: 1 as const,
      guild_id: guild.id,
      guild: { id: guild.id, features: [], locale },
      channel: { ...channel },
      channel_id: channel.id,
      member: { ...member, roles: [...member.roles], permissions: guild.roles.get(guild.id)?.permissions ?? '0' },
      app_permissions: '0',
      locale,
      guild_locale: locale,
      entitlements: [],
      authorizing_integration_owners: { 0: guild.id },
      context: InteractionContextType.Guild,
      attachment_size_limit: 10_485_760,
    },
  };
}

/** A member runs `/name` with options in a guild channel; dispatches INTERACTION_CREATE. */
export function runCommand(
  state: DiscordState,
  book: InteractionBook,
  input: { guildId: string; userId: string; channelId: string; name: string; options?: APIApplicationCommandInteractionDataOption[] },
): InteractionRecord {
  const command = [...(state.guildCommands.get(input.guildId) ?? []), ...state.globalCommands].find((c) => c.name === input.name);
  if (!command) throw new Error(`Discord emulator: no command /${input.name} registered`);
  const { record, payload } = base(state, book, input.guildId, input.userId, input.channelId);
  const interaction: APIChatInputApplicationCommandGuildInteraction = {
    ...payload,
    type: InteractionType.ApplicationCommand,
    data: { id: command.id, name: command.name, type: ApplicationCommandType.ChatInput, ...(input.options ? { options: input.options } : {}) },
  };
  state.dispatch('INTERACTION_CREATE', interaction);
  return record;
}

/** A member presses the button `customId` on a message the bot sent; dispatches INTERACTION_CREATE. */
export function pressButton(state: DiscordState, book: InteractionBook, input: { guildId: string; userId: string; messageId: string; customId: string }): InteractionRecord {
  const message = [...state.messages.values()].flat().find((m) => m.id === input.messageId);
  if (!message) throw new Error(`Discord emulator: no message ${input.messageId}`);
  const { record, payload } = base(state, book, input.guildId, input.userId, message.channel_id);
  record.messageId = message.id;
  const interaction: APIMessageComponentGuildInteraction = {
    ...payload,
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: input.customId, component_type: ComponentType.Button },
  };
  state.dispatch('INTERACTION_CREATE', interaction);
  return record;
}
