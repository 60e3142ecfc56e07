// The gateway on the whole Discord emulator with discord.js: guilds from its state, drivers' changes and REST writes arriving as gateway events.
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type Guild, type GuildMember, type Interaction } from 'discord.js';
import { until } from '../../core/testing/until';
import { startDiscordEmulator, type DiscordEmulator } from './emulator';
import { attachGateway } from './gateway-world';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function start() {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: 30_000 });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  const view = emulator.createGuild({ name: 'Signal Lounge', channels: ['general', 'vip-signals'], roles: ['VIP'] });
  return { emulator, gateway, view };
}

async function login(emulator: DiscordEmulator) {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: emulator.apiUrl } });
  stops.push(() => client.destroy());
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  return client;
}

describe('Discord gateway on the Discord emulator', () => {
  it("logs discord.js in with the emulator's guild: its channels, its roles in order, the bot's role on top", async () => {
    const { emulator, gateway, view } = await start();
    const client = await login(emulator);
    const guild = client.guilds.cache.get(view.id);
    expect(guild?.available).toBe(true);
    expect(guild?.name).toBe('Signal Lounge');
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'vip-signals']);
    const roles = guild?.roles.cache.sort((a, b) => a.position - b.position).map((r) => r.id);
    expect(roles?.slice(0, 2)).toEqual([view.id, view.roles.VIP]);
    expect(roles?.at(-1)).toBe(view.botRoleId);
    expect(guild?.members.me?.roles.highest.id).toBe(view.botRoleId);
    expect(gateway.stats.identifies).toBe(1);
    const info = (await (await fetch(`${emulator.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${emulator.token}` } })).json()) as {
      url: string;
      session_start_limit: { remaining: number };
    };
    expect(info).toMatchObject({ url: gateway.url, session_start_limit: { remaining: 999 } });
  });

  it('turns a member joining (the driver) into guildMemberAdd', async () => {
    const { emulator, view } = await start();
    const client = await login(emulator);
    const joined: GuildMember[] = [];
    client.on(Events.GuildMemberAdd, (m) => joined.push(m));
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    await until(() => joined.length > 0, 'guildMemberAdd');
    expect(joined[0]?.id).toBe(userId);
    expect(joined[0]?.user.username).toBe('ada');
  });

  it('announces a role the bot adds over REST back to it as guildMemberUpdate', async () => {
    const { emulator, view } = await start();
    const client = await login(emulator);
    const userId = emulator.memberJoins(view.id, { username: 'grace' });
    const guild = client.guilds.cache.get(view.id) as Guild;
    const member = await until(() => guild.members.cache.get(userId), 'the member cached from GUILD_MEMBER_ADD');
    const updates: GuildMember[] = [];
    client.on(Events.GuildMemberUpdate, (_old, now) => updates.push(now));
    await member.roles.add(view.roles.VIP as string);
    await until(() => updates.length > 0, 'guildMemberUpdate');
    expect(updates[0]?.roles.cache.has(view.roles.VIP as string)).toBe(true);
    expect(emulator.memberRoles(view.id, userId)).toContain(view.roles.VIP);
  });

  it('sends a guild created after login as GUILD_CREATE, which discord.js adds', async () => {
    const { emulator } = await start();
    const client = await login(emulator);
    const added: Guild[] = [];
    client.on(Events.GuildCreate, (g) => added.push(g));
    const second = emulator.createGuild({ name: 'Second Room', channels: ['alerts'] });
    await until(() => added.length > 0, 'guildCreate');
    expect(added[0]?.id).toBe(second.id);
    expect(added[0]?.channels.cache.map((c) => c.name)).toEqual(['alerts']);
  });

  it('carries a member running a slash command (the driver) to discord.js, whose reply reaches the emulator', async () => {
    const { emulator, view } = await start();
    const client = await login(emulator);
    await client.application?.commands.set([{ name: 'plans', description: 'Show the plans' }], view.id);
    client.on(Events.InteractionCreate, (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) void interaction.reply({ content: `plans for ${interaction.user.username}` });
    });
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    const record = emulator.runCommand({ guildId: view.id, userId, channelId: view.channels.general as string, name: 'plans' });
    await until(() => record.callbacks.length > 0, 'the interaction callback');
    expect(record.callbacks).toEqual([4]);
  });
});
