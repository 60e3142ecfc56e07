// Discord's role hierarchy: a bot can give, take away or kick only below its own highest role. Checked from discord.js's cache, or by REST after a 50013.
import type { Client, REST } from 'discord.js';
import { Routes, type APIGuildMember, type APIRole } from 'discord-api-types/v10';

/** A role as the check needs it. */
export interface RoleView {
  id: string;
  name: string;
  position: number;
}

/** The role (or a member's highest role) to act on, and the bot's highest role, in one server. */
export interface RoleOrder {
  target: RoleView;
  botTop: RoleView | undefined;
}

/** Null when the bot's highest role is above the target; else why not, naming the fix an admin makes. */
export function outOfReach(order: RoleOrder): string | null {
  const { target, botTop } = order;
  if (botTop && botTop.position > target.position) return null;
  const bot = botTop?.name ?? 'Signalcast';
  return `the ${target.name} role is not below the bot's highest role (${bot}): move the ${bot} role above ${target.name} in Server Settings → Roles`;
}

/** The bot's user id, which Discord puts in base64 in a bot token's first part. */
export function botIdOfToken(token: string): string | undefined {
  const id = Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8');
  return /^\d{17,20}$/.test(id) ? id : undefined;
}

/**
 * The order for the highest of `roleIds` (a role; a member's roles with @everyone, whose id is the
 * server's) as discord.js last heard it on the gateway (kept current by GUILD_ROLE_UPDATE); null
 * when the client holds no such server or role (not logged in: the CLI).
 */
export function roleOrderFromCache(client: Client, guildId: string, roleIds: readonly string[]): RoleOrder | null {
  if (!client.isReady()) return null;
  const guild = client.guilds.cache.get(guildId);
  const me = guild?.members.me;
  if (!guild || !me) return null;
  const roles = roleIds.map((id) => guild.roles.cache.get(id));
  if (roles.length === 0 || roles.some((r) => r === undefined)) return null;
  const role = roles.sort((a, b) => b!.position - a!.position)[0]!;
  const top = me.roles.highest;
  return { target: { id: role.id, name: role.name, position: role.position }, botTop: { id: top.id, name: top.name, position: top.position } };
}

/** The order by REST for the highest of `roleIds`: the server's roles and the bot's own member (two reads, made only after a refusal). */
export async function roleOrderFromRest(rest: REST, guildId: string, botUserId: string, roleIds: readonly string[]): Promise<RoleOrder | null> {
  try {
    const roles = (await rest.get(Routes.guildRoles(guildId))) as APIRole[];
    const bot = (await rest.get(Routes.guildMember(guildId, botUserId))) as APIGuildMember;
    const byId = new Map(roles.map((r) => [r.id, r]));
    const highest = (ids: readonly string[]) => ids.map((id) => byId.get(id)).filter((r): r is APIRole => r !== undefined).sort((a, b) => b.position - a.position)[0];
    const botTop = highest(bot.roles);
    const role = highest(roleIds);
    if (!role) return null;
    const view = (r: APIRole): RoleView => ({ id: r.id, name: r.name, position: r.position });
    return { target: view(role), botTop: botTop ? view(botTop) : undefined };
  } catch {
    return null;
  }
}
