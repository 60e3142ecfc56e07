// What people do to the emulated Discord, for tests and the console: create a guild, join, leave,
// close DMs, and an admin's hand on roles (move, delete, give). Each change fires the dispatch hook.
import type { APIGuildMember, APIMessage, APIRole, APITextChannel, ChannelFlags, ChannelType, GuildMemberFlags, RoleFlags } from 'discord-api-types/v10';
import { dmChannelWith } from './routes/application';
import { changeMemberRole, removeMember } from './routes/guilds';
import { createMessage } from './routes/messages';
import { makeUser, type DiscordState, type GuildRecord } from './state';

/** A new guild: text channels and roles listed bottom to top; the bot's managed role is put on top. */
export interface CreateGuildOptions {
  name?: string;
  channels?: string[];
  /** Role names above @everyone, lowest first. */
  roles?: string[];
  /** Fixed ids instead of new ones (the sandbox's demo server, whose ids the demo plan names): the guild's, and channels' and roles' by name. */
  ids?: { guild?: string; channels?: Record<string, string>; roles?: Record<string, string> } | undefined;
}

/** A guild as a test sees it: ids by name. */
export interface GuildView {
  id: string;
  ownerId: string;
  channels: Record<string, string>;
  roles: Record<string, string>;
  botRoleId: string;
}

/** Permissions Discord gives @everyone by default, and those the bot's role has here. */
const EVERYONE_PERMISSIONS = '1071698660929';
const BOT_PERMISSIONS = String((1n << 28n) | (1n << 1n) | (1n << 11n) | (1n << 14n) | (1n << 10n));

function makeRole(state: DiscordState, id: string, name: string, position: number, permissions: string, botId?: string): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: botId !== undefined,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(botId ? { tags: { bot_id: botId } } : {}),
  };
}

function makeMember(state: DiscordState, userId: string, roles: string[]): APIGuildMember {
  const user = state.users.get(userId)?.user;
  if (!user) throw new Error(`Discord emulator: no user ${userId}`);
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: state.nowIso(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A person Discord knows (not yet in any guild): a new id, or `id` (kept as it is when Discord knows it already). */
export function createUser(state: DiscordState, username: string, id: string = state.ids.next()): string {
  if (!state.users.has(id)) state.users.set(id, { user: makeUser(id, username), dmsClosed: false });
  return id;
}

export function guildRecord(state: DiscordState, guildId: string): GuildRecord {
  const guild = state.guilds.get(guildId);
  if (!guild) throw new Error(`Discord emulator: no guild ${guildId}`);
  return guild;
}

export function createGuild(state: DiscordState, options: CreateGuildOptions = {}): GuildView {
  const id = options.ids?.guild ?? state.ids.next();
  if (state.guilds.has(id)) throw new Error(`Discord emulator: guild ${id} exists`);
  const ownerId = createUser(state, 'owner');
  const guild: GuildRecord = { id, name: options.name ?? 'Signal Room', ownerId, channels: new Map(), roles: new Map(), members: new Map() };
  const view: GuildView = { id, ownerId, channels: {}, roles: {}, botRoleId: '' };
  guild.roles.set(id, makeRole(state, id, '@everyone', 0, EVERYONE_PERMISSIONS));
  (options.roles ?? []).forEach((name, i) => {
    const roleId = options.ids?.roles?.[name] ?? state.ids.next();
    guild.roles.set(roleId, makeRole(state, roleId, name, i + 1, '0'));
    view.roles[name] = roleId;
  });
  view.botRoleId = state.ids.next();
  guild.roles.set(view.botRoleId, makeRole(state, view.botRoleId, state.bot.username, guild.roles.size, BOT_PERMISSIONS, state.bot.id));
  (options.channels ?? ['general']).forEach((name, position) => {
    const channel: APITextChannel = {
      id: options.ids?.channels?.[name] ?? state.ids.next(),
      type: 0 as ChannelType.GuildText,
      guild_id: id,
      name,
      position,
      flags: 0 as ChannelFlags,
      last_message_id: null,
      last_pin_timestamp: null,
      parent_id: null,
      topic: null,
      nsfw: false,
      rate_limit_per_user: 0,
      permission_overwrites: [],
    };
    guild.channels.set(channel.id, channel);
    view.channels[name] = channel.id;
  });
  guild.members.set(ownerId, makeMember(state, ownerId, []));
  guild.members.set(state.bot.id, makeMember(state, state.bot.id, [view.botRoleId]));
  state.guilds.set(id, guild);
  state.dispatch('GUILD_CREATE', { id });
  return view;
}

/** A person joins (a new user unless `userId` is given); returns their user id. */
export function memberJoins(state: DiscordState, guildId: string, person: { userId?: string; username?: string } = {}): string {
  const guild = guildRecord(state, guildId);
  const userId = person.userId ?? createUser(state, person.username ?? 'member');
  if (guild.members.has(userId)) return userId;
  const member = makeMember(state, userId, []);
  guild.members.set(userId, member);
  state.dispatch('GUILD_MEMBER_ADD', state.memberPayload(guild, member));
  return userId;
}

export function memberLeaves(state: DiscordState, guildId: string, userId: string): void {
  removeMember(state, guildRecord(state, guildId), userId);
}

/**
 * A person writes `text`: in a guild channel they are in, or, without a channel, in their DMs with
 * the bot. MESSAGE_CREATE goes only to sessions with the message intents (GuildMessages,
 * DirectMessages); a bot without them never hears it.
 */
export function userWrites(state: DiscordState, input: { userId: string; channelId?: string | undefined; text: string }): APIMessage {
  const user = state.users.get(input.userId);
  if (!user) throw new Error(`Discord emulator: no user ${input.userId}`);
  const channelId = input.channelId ?? dmChannelWith(state, input.userId).id;
  const found = state.findChannel(channelId);
  if (found?.guild && !found.guild.members.has(input.userId)) throw new Error(`Discord emulator: ${input.userId} is not in guild ${found.guild.id}`);
  return createMessage(state, channelId, user.user, { content: input.text });
}

/** The person stops accepting DMs from the bot (sends then get 50007). */
export function closeDms(state: DiscordState, userId: string, closed = true): void {
  const user = state.users.get(userId);
  if (!user) throw new Error(`Discord emulator: no user ${userId}`);
  user.dmsClosed = closed;
}

/** An admin drags a role to `position` (1 = just above @everyone); others shift; GUILD_ROLE_UPDATE for each that moved. */
export function moveRole(state: DiscordState, guildId: string, roleId: string, position: number): void {
  const guild = guildRecord(state, guildId);
  const role = guild.roles.get(roleId);
  if (!role || role.id === guild.id) throw new Error(`Discord emulator: no movable role ${roleId}`);
  const order = state.rolesOf(guild).filter((r) => r.id !== guild.id && r.id !== roleId);
  const index = Math.min(Math.max(position, 1), order.length + 1) - 1;
  order.splice(index, 0, role);
  order.forEach((r, i) => {
    if (r.position === i + 1) return;
    r.position = i + 1;
    state.dispatch('GUILD_ROLE_UPDATE', { guild_id: guild.id, role: { ...r } });
  });
}

/** An admin puts a role just above the bot's highest, out of its reach. */
export function moveRoleAboveBot(state: DiscordState, guildId: string, roleId: string): void {
  const guild = guildRecord(state, guildId);
  moveRole(state, guildId, roleId, state.botTopPosition(guild) + 1);
}

/** An admin deletes a role: members lose it (GUILD_MEMBER_UPDATE each), then GUILD_ROLE_DELETE. */
export function deleteRole(state: DiscordState, guildId: string, roleId: string): void {
  const guild = guildRecord(state, guildId);
  const role = guild.roles.get(roleId);
  if (!role || role.id === guild.id) throw new Error(`Discord emulator: no deletable role ${roleId}`);
  for (const member of guild.members.values()) {
    if (member.roles.includes(roleId)) changeMemberRole(state, guild, member.user.id, roleId, false, false);
  }
  guild.roles.delete(roleId);
  state.rolesOf(guild).forEach((r, i) => {
    r.position = i;
  });
  state.dispatch('GUILD_ROLE_DELETE', { guild_id: guild.id, role_id: roleId });
}

/** An admin gives (or takes) a role by hand, whatever the bot's place. */
export function setRoleByHand(state: DiscordState, guildId: string, userId: string, roleId: string, has = true): void {
  changeMemberRole(state, guildRecord(state, guildId), userId, roleId, has, false);
}
