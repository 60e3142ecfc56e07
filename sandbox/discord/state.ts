// The Discord emulator's world: the bot, guilds with channels, roles and members, DM channels,
// messages and commands, typed with discord-api-types, with a hook for what a gateway would announce.
import type {
  APIApplicationCommand,
  APIDMChannel,
  APIGuildMember,
  APIMessage,
  APIRole,
  APITextChannel,
  APIUser,
  UserFlags,
} from 'discord-api-types/v10';
import { systemClock, type Clock } from '../../core/clock';
import { SnowflakeSource } from './snowflake';

/** A guild as the emulator holds it (the REST and gateway shapes are built from this). */
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  channels: Map<string, APITextChannel>;
  /** Keyed by role id; @everyone has the guild's id and position 0. */
  roles: Map<string, APIRole>;
  /** Keyed by user id. */
  members: Map<string, APIGuildMember>;
}

/** A person (or the bot) the emulator knows, with whether they accept DMs from the bot. */
export interface UserRecord {
  user: APIUser;
  dmsClosed: boolean;
}

/** A DM channel as Discord's OpenAPI spec returns it: discord-api-types adds `name: null`, the spec has no `name`. */
export type DMChannel = Omit<APIDMChannel, 'name'>;

/** Gateway event names the state announces as it changes. */
export type DispatchType =
  | 'GUILD_CREATE'
  | 'GUILD_MEMBER_ADD'
  | 'GUILD_MEMBER_REMOVE'
  | 'GUILD_MEMBER_UPDATE'
  | 'GUILD_ROLE_CREATE'
  | 'GUILD_ROLE_UPDATE'
  | 'GUILD_ROLE_DELETE'
  | 'CHANNEL_CREATE'
  | 'MESSAGE_CREATE'
  | 'MESSAGE_UPDATE'
  | 'INTERACTION_CREATE';

/** Called with each change a gateway would dispatch, with the payload's `d`. */
export type DispatchListener = (type: DispatchType, data: unknown) => void;

export interface DiscordStateOptions {
  clock?: Clock;
  botId?: string;
  botName?: string;
  applicationId?: string;
}

/** A user object with the fields Discord always sends. */
export function makeUser(id: string, username: string, bot = false): APIUser {
  const none = 0 as UserFlags;
  const user: APIUser = { id, username, discriminator: '0', global_name: username, avatar: null, public_flags: none, flags: none, primary_guild: null };
  if (bot) user.bot = true;
  return user;
}

/**
 * Everything the emulated Discord knows. The REST routes and the gateway read it; drivers and
 * REST writes change it and call `dispatch`, which every `onDispatch` listener hears.
 */
export class DiscordState {
  readonly clock: Clock;
  readonly ids: SnowflakeSource;
  readonly bot: APIUser;
  readonly applicationId: string;
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  /** DM channels keyed by the recipient's user id. */
  readonly dmChannels = new Map<string, DMChannel>();
  /** Messages per channel id, oldest first. */
  readonly messages = new Map<string, APIMessage[]>();
  /** The bytes of each uploaded attachment, by attachment id. */
  readonly attachmentData = new Map<string, Buffer>();
  readonly globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();
  private readonly listeners = new Set<DispatchListener>();

  constructor(options: DiscordStateOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = new SnowflakeSource(this.clock);
    this.bot = makeUser(options.botId ?? this.ids.next(), options.botName ?? 'Signalcast', true);
    this.applicationId = options.applicationId ?? this.bot.id;
    this.users.set(this.bot.id, { user: this.bot, dmsClosed: true });
  }

  /** Listens to changes a gateway would announce; returns the function that stops listening. */
  onDispatch(listener: DispatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispatch(type: DispatchType, data: unknown): void {
    for (const listener of this.listeners) listener(type, data);
  }

  /** The channel with this id, in a guild or a DM, with its guild when it has one. */
  findChannel(id: string): { channel: APITextChannel | DMChannel; guild?: GuildRecord } | undefined {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(id);
      if (channel) return { channel, guild };
    }
    for (const channel of this.dmChannels.values()) if (channel.id === id) return { channel };
    return undefined;
  }

  /** The bot's highest role position in a guild (0 when it has only @everyone). */
  botTopPosition(guild: GuildRecord): number {
    return this.topPosition(guild, this.bot.id);
  }

  /** A member's highest role position (0 for @everyone only, -1 when not a member). */
  topPosition(guild: GuildRecord, userId: string): number {
    const member = guild.members.get(userId);
    if (!member) return -1;
    return Math.max(0, ...member.roles.map((id) => guild.roles.get(id)?.position ?? 0));
  }

  /** Roles sorted as Discord lists them (by position, then id). */
  rolesOf(guild: GuildRecord): APIRole[] {
    return [...guild.roles.values()].sort((a, b) => a.position - b.position || Number(BigInt(a.id) - BigInt(b.id)));
  }

  /** The member with the guild id Discord adds to gateway payloads. */
  memberPayload(guild: GuildRecord, member: APIGuildMember): APIGuildMember & { guild_id: string } {
    return { ...member, roles: [...member.roles], guild_id: guild.id };
  }

  /** Forgets everything but the bot. */
  reset(): void {
    this.guilds.clear();
    this.dmChannels.clear();
    this.messages.clear();
    this.attachmentData.clear();
    this.globalCommands.length = 0;
    this.guildCommands.clear();
    this.users.clear();
    this.users.set(this.bot.id, { user: this.bot, dmsClosed: true });
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
