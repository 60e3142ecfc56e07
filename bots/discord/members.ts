// Members and roles on Discord's gateway as the core's neutral events: joins, leaves and role changes (tenant_member), role order changes (tenant_roles).
import { Events, type Client, type GuildMember, type PartialGuildMember, type Role } from 'discord.js';
import type { EventHandler, InboundEvent } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';

/** The member's roles now (ids; @everyone's is the server's). */
function rolesOf(member: GuildMember): string[] {
  return [...member.roles.cache.keys()];
}

/** A member as a neutral tenant_member event. */
export function memberEvent(member: GuildMember | PartialGuildMember, state: 'joined' | 'present' | 'left'): InboundEvent {
  return {
    type: 'tenant_member',
    actor: { platform: 'discord', platformUserId: member.id, username: member.user?.username ?? undefined },
    tenant: member.guild.id,
    state,
    ...(state !== 'left' && !member.partial ? { holds: rolesOf(member) } : {}),
  };
}

const sameRoles = (a: GuildMember | PartialGuildMember, b: GuildMember) =>
  !a.partial && a.roles.cache.size === b.roles.cache.size && [...a.roles.cache.keys()].every((id) => b.roles.cache.has(id));

/**
 * Sends member and role changes to `onEvent`: a join (GUILD_MEMBER_ADD), a leave (REMOVE), a change
 * of a member's roles (UPDATE, or a member first heard of), each as tenant_member with the roles
 * held now; a role moved, its permissions changed or deleted, or the bot's own roles changed, as
 * tenant_roles (what the bot can reach may have changed). The bot's own joins and leaves are not sent.
 */
export function installMemberEvents(client: Client, deps: { onEvent: () => EventHandler; logger: Logger }): void {
  const send = (event: InboundEvent) => {
    Promise.resolve().then(() => deps.onEvent()(event)).catch((err: unknown) => deps.logger.error({ err, type: event.type }, 'a Discord member or role change could not be handled'));
  };
  const isBot = (member: GuildMember | PartialGuildMember) => member.id === client.user?.id;
  const rolesChanged = (guildId: string) => send({ type: 'tenant_roles', platform: 'discord', tenant: guildId });
  client.on(Events.GuildMemberAdd, (member) => {
    if (!isBot(member)) send(memberEvent(member, 'joined'));
  });
  client.on(Events.GuildMemberAvailable, (member) => {
    if (!isBot(member)) send(memberEvent(member, 'present'));
  });
  client.on(Events.GuildMemberUpdate, (before, after) => {
    if (sameRoles(before, after)) return;
    if (isBot(after)) rolesChanged(after.guild.id);
    else send(memberEvent(after, 'present'));
  });
  client.on(Events.GuildMemberRemove, (member) => {
    if (!isBot(member)) send(memberEvent(member, 'left'));
  });
  client.on(Events.GuildRoleUpdate, (before: Role, after: Role) => {
    if (before.position !== after.position || before.permissions.bitfield !== after.permissions.bitfield) rolesChanged(after.guild.id);
  });
  client.on(Events.GuildRoleDelete, (role: Role) => rolesChanged(role.guild.id));
}
