// The sandbox's Discord servers: the demo server whose ids the demo plan names, and one server per guild a plans file gates.
import { DISCORD_DEMO_ROLE } from '../../bots/discord/plan-access';
import type { PlansConfig } from '../../core/plans';
import type { GuildView } from './drivers';
import type { DiscordEmulator } from './emulator';

/** The demo server's fixed ids (the ones DISCORD_DEMO_ROLE names). */
export const DEMO_GUILD = { id: DISCORD_DEMO_ROLE.tenant!, vipRole: DISCORD_DEMO_ROLE.id, vipChannel: DISCORD_DEMO_ROLE.channels![0]! };

/** A gated channel as the console shows it: the roles that open it, and the plans that give them. */
export interface GatedChannel {
  channelId: string;
  name: string;
  roleIds: string[];
  plans: string[];
}

/** A server the sandbox made, with its gated channels. */
export interface SandboxGuild {
  guild: GuildView;
  name: string;
  gated: GatedChannel[];
}

/**
 * The demo server "Signal Room": #general and #vip-signals, roles Free < VIP < the bot's < Admin
 * (Admin above the bot's role, as a server's own admins are). The VIP role and #vip-signals have the
 * ids the demo plan names.
 */
export function createDemoGuild(discord: DiscordEmulator): GuildView {
  const guild = discord.createGuild({
    name: 'Signal Room',
    channels: ['general', 'vip-signals'],
    roles: ['Free', 'VIP', 'Admin'],
    ids: { guild: DEMO_GUILD.id, roles: { VIP: DEMO_GUILD.vipRole }, channels: { 'vip-signals': DEMO_GUILD.vipChannel } },
  });
  discord.moveRoleAboveBot(guild.id, guild.roles.Admin!);
  return guild;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'plan';

/** A name not yet in `taken` (Discord allows the same name twice; the drivers key channels and roles by name). */
function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}-${i}`;
  taken.add(candidate);
  return candidate;
}

/**
 * The servers the plans' Discord access entries name, each with #general, a role per entry (named
 * after its plan, under the bot's) and its gated channels (#<plan>-signals), with the ids the plans
 * give. The demo server is made by `createDemoGuild` when the plans gate its role.
 */
export function createPlanGuilds(discord: DiscordEmulator, plans: PlansConfig): SandboxGuild[] {
  const byGuild = new Map<string, { roles: Map<string, string>; channels: Map<string, string>; gated: Map<string, GatedChannel> }>();
  for (const plan of plans.plans) {
    for (const entry of plan.access) {
      if (entry.platform !== 'discord' || entry.kind !== 'role' || !entry.tenant) continue;
      const spec = byGuild.get(entry.tenant) ?? { roles: new Map(), channels: new Map(), gated: new Map() };
      byGuild.set(entry.tenant, spec);
      if (!spec.roles.has(entry.id)) spec.roles.set(entry.id, plan.name);
      for (const channelId of entry.channels ?? []) {
        if (!spec.channels.has(channelId)) spec.channels.set(channelId, `${slug(plan.id)}-signals`);
        const gated = spec.gated.get(channelId) ?? { channelId, name: '', roleIds: [], plans: [] };
        if (!gated.roleIds.includes(entry.id)) gated.roleIds.push(entry.id);
        if (!gated.plans.includes(plan.name)) gated.plans.push(plan.name);
        spec.gated.set(channelId, gated);
      }
    }
  }
  return [...byGuild].map(([guildId, spec]) => {
    const gated = [...spec.gated.values()];
    if (guildId === DEMO_GUILD.id && spec.roles.size === 1 && spec.roles.has(DEMO_GUILD.vipRole) && gated.every((g) => g.channelId === DEMO_GUILD.vipChannel)) {
      const guild = createDemoGuild(discord);
      return { guild, name: 'Signal Room', gated: gated.map((g) => ({ ...g, name: 'vip-signals' })) };
    }
    const roleNames = new Set<string>(['general']);
    const roles = [...spec.roles].map(([id, name]) => ({ id, name: unique(name, roleNames) }));
    const channelNames = new Set<string>(['general']);
    const channels = [...spec.channels].map(([id, name]) => ({ id, name: unique(name, channelNames) }));
    const guild = discord.createGuild({
      name: 'Signals',
      channels: ['general', ...channels.map((c) => c.name)],
      roles: roles.map((r) => r.name),
      ids: { guild: guildId, roles: Object.fromEntries(roles.map((r) => [r.name, r.id])), channels: Object.fromEntries(channels.map((c) => [c.name, c.id])) },
    });
    return { guild, name: 'Signals', gated: gated.map((g) => ({ ...g, name: channels.find((c) => c.id === g.channelId)?.name ?? g.channelId })) };
  });
}
