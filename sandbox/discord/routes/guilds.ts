// Guild members and roles: get, list with paging, add and remove a role, kick, list roles,
// refusing with 50013 what sits at or above the bot's highest role, as Discord does.
import type { APIGuildMember } from 'discord-api-types/v10';
import { discordErrors } from '../errors';
import { guildPayload } from '../guild-payload';
import type { DiscordState, GuildRecord } from '../state';
import type { DiscordRoute, RouteContext } from './route';

function guildOf(ctx: RouteContext): GuildRecord {
  const guild = ctx.state.guilds.get(ctx.params.id ?? '');
  if (!guild || !guild.members.has(ctx.state.bot.id)) throw discordErrors.unknownGuild();
  return guild;
}

function memberOf(guild: GuildRecord, userId: string): APIGuildMember {
  const member = guild.members.get(userId);
  if (!member) throw discordErrors.unknownMember();
  return member;
}

/** Adds or removes a role on a member, checking it as Discord does; dispatches GUILD_MEMBER_UPDATE. */
export function changeMemberRole(state: DiscordState, guild: GuildRecord, userId: string, roleId: string, add: boolean, asBot: boolean): void {
  const member = memberOf(guild, userId);
  const role = guild.roles.get(roleId);
  if (!role) throw discordErrors.unknownRole();
  if (asBot && (role.position >= state.botTopPosition(guild) || role.managed || role.id === guild.id)) throw discordErrors.missingPermissions();
  const has = member.roles.includes(roleId);
  if (add === has) return;
  member.roles = add ? [...member.roles, roleId] : member.roles.filter((id) => id !== roleId);
  state.dispatch('GUILD_MEMBER_UPDATE', state.memberPayload(guild, member));
}

/** Removes a member; dispatches GUILD_MEMBER_REMOVE. */
export function removeMember(state: DiscordState, guild: GuildRecord, userId: string): void {
  const member = memberOf(guild, userId);
  guild.members.delete(userId);
  state.dispatch('GUILD_MEMBER_REMOVE', { guild_id: guild.id, user: member.user });
}

function listMembers(ctx: RouteContext): APIGuildMember[] {
  const guild = guildOf(ctx);
  const limitText = ctx.query.get('limit') ?? '1';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw discordErrors.invalidForm('limit: int value should be between 1 and 1000');
  const afterText = ctx.query.get('after') ?? '0';
  if (!/^\d+$/.test(afterText)) throw discordErrors.invalidForm('after: value is not snowflake');
  const after = BigInt(afterText);
  return [...guild.members.values()]
    .filter((m) => BigInt(m.user.id) > after)
    .sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
    .slice(0, limit);
}

export const guildRoutes: DiscordRoute[] = [
  {
    method: 'GET',
    template: '/guilds/:id',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      const payload = guildPayload(ctx.state, guild);
      if (ctx.query.get('with_counts') !== 'true') return payload;
      return { ...payload, approximate_member_count: guild.members.size, approximate_presence_count: 0 };
    },
  },
  { method: 'GET', template: '/guilds/:id/members', handler: listMembers },
  { method: 'GET', template: '/guilds/:id/members/:user', handler: (ctx) => memberOf(guildOf(ctx), ctx.params.user ?? '') },
  {
    method: 'DELETE',
    template: '/guilds/:id/members/:user',
    handler: (ctx) => {
      const guild = guildOf(ctx);
      const userId = ctx.params.user ?? '';
      memberOf(guild, userId);
      const bot = ctx.state.bot.id;
      if (userId === guild.ownerId || userId === bot || ctx.state.topPosition(guild, userId) >= ctx.state.botTopPosition(guild)) {
        throw discordErrors.missingPermissions();
      }
      removeMember(ctx.state, guild, userId);
      return undefined;
    },
  },
  {
    method: 'PUT',
    template: '/guilds/:id/members/:user/roles/:role',
    handler: (ctx) => {
      changeMemberRole(ctx.state, guildOf(ctx), ctx.params.user ?? '', ctx.params.role ?? '', true, true);
      return undefined;
    },
  },
  {
    method: 'DELETE',
    template: '/guilds/:id/members/:user/roles/:role',
    handler: (ctx) => {
      changeMemberRole(ctx.state, guildOf(ctx), ctx.params.user ?? '', ctx.params.role ?? '', false, true);
      return undefined;
    },
  },
  { method: 'GET', template: '/guilds/:id/roles', handler: (ctx) => ctx.state.rolesOf(guildOf(ctx)) },
  { method: 'GET', template: '/guilds/:id/channels', handler: (ctx) => [...guildOf(ctx).channels.values()] },
];
