// Interactions: a member runs a slash command or presses a button (INTERACTION_CREATE with the
// channel object and `entitlements: []` discord.js needs), and the record of how the bot answered.
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolved,
  type APIInteractionDataResolvedGuildMember,
  type APIUser,
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
const EPHEMERAL = 64;

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
  /** Every message this interaction's answers made or changed, as it stood each time (sends and edits), in order. */
  history: APIMessage[];
}

/** The interactions made by the drivers, by id and by token. */
export class InteractionBook {
  readonly byId = new Map<string, InteractionRecord>();

  byToken(token: string): InteractionRecord | undefined {
    for (const record of this.byId.values()) if (record.token === token) return record;
    return undefined;
  }

  /** An answer only its person sees (ephemeral: kept here, in no channel), with the interaction that made it. */
  ephemeral(messageId: string): { record: InteractionRecord; message: APIMessage } | undefined {
    for (const record of this.byId.values()) {
      const message = [record.original, ...record.followUps].find((m) => m?.id === messageId && ((m.flags ?? 0) & EPHEMERAL) !== 0);
      if (message) return { record, message };
    }
    return undefined;
  }

  /** The interactions of one person, oldest first. */
  of(userId: string): InteractionRecord[] {
    return [...this.byId.values()].filter((r) => r.userId === userId);
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
  const record: InteractionRecord = { id: state.ids.next(), token: `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`, createdAt: state.clock.now(), channelId, guildId, userId, callbacks: [], followUps: [], history: [] };
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

/** The users (and their memberships) that user options name, as Discord sends them in `data.resolved`. */
function resolvedUsers(state: DiscordState, guildId: string, options: readonly APIApplicationCommandInteractionDataOption[]): { resolved?: APIInteractionDataResolved } {
  const ids = options.flatMap((o) => (o.type === ApplicationCommandOptionType.User ? [o.value] : []));
  if (ids.length === 0) return {};
  const guild = guildRecord(state, guildId);
  const users: Record<string, APIUser> = {};
  const members: Record<string, APIInteractionDataResolvedGuildMember> = {};
  for (const id of ids) {
    const user = state.users.get(id)?.user;
    if (!user) throw new Error(`Discord emulator: no user ${id}`);
    users[id] = user;
    const member = guild.members.get(id);
    if (member) {
      const { user: _user, deaf: _deaf, mute: _mute, ...rest } = member;
      members[id] = { ...rest, roles: [...member.roles], permissions: guild.roles.get(guild.id)?.permissions ?? '0' };
    }
  }
  return { resolved: { users, members } };
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
    data: {
      id: command.id, name: command.name, type: ApplicationCommandType.ChatInput,
      ...(input.options ? { options: input.options } : {}),
      ...resolvedUsers(state, input.guildId, input.options ?? []),
    },
  };
  state.dispatch('INTERACTION_CREATE', interaction);
  return record;
}

/**
 * A member presses the button `customId` on a message the bot sent: in a channel, or an answer only
 * they see (ephemeral, pressed in the channel it was given in); dispatches INTERACTION_CREATE.
 */
export function pressButton(state: DiscordState, book: InteractionBook, input: { guildId: string; userId: string; messageId: string; customId: string }): InteractionRecord {
  const ephemeral = book.ephemeral(input.messageId);
  if (ephemeral && ephemeral.record.userId !== input.userId) throw new Error(`Discord emulator: message ${input.messageId} is only ${ephemeral.record.userId}'s to see`);
  const message = ephemeral?.message ?? [...state.messages.values()].flat().find((m) => m.id === input.messageId);
  if (!message) throw new Error(`Discord emulator: no message ${input.messageId}`);
  const { record, payload } = base(state, book, input.guildId, input.userId, message.channel_id);
  record.messageId = message.id;
  const interaction: APIMessageComponentGuildInteraction = {
    ...payload,
    type: InteractionType.MessageComponent,
    message: structuredClone(message),
    data: { custom_id: input.customId, component_type: ComponentType.Button },
  };
  state.dispatch('INTERACTION_CREATE', interaction);
  return record;
}
