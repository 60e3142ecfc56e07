// The gateway against the real discord.js client: login, guilds cached, dispatches, RESUME with replay, re-IDENTIFY after an invalid session.
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, Status, type GuildMember, type Interaction } from 'discord.js';
import {
  ApplicationCommandType,
  ChannelType,
  GatewayDispatchEvents,
  InteractionContextType,
  InteractionType,
  Locale,
  type APIChatInputApplicationCommandInteraction,
  type GatewayGuildMemberAddDispatchData,
  type GuildMemberFlags,
} from 'discord-api-types/v10';
import { EmulatorServer } from '../base/emulator';
import { until } from '../../core/testing/until';
import { DiscordGateway } from './gateway';
import { registerGatewayRoutes } from './gateway-routes';
import { TEST_TOKEN, testMember, testUser, testWorld } from './gateway-test-world';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startGateway(options: { heartbeatIntervalMs?: number } = {}) {
  const world = testWorld();
  const emulator = new EmulatorServer({ name: 'discord', renderFault: () => ({ status: 500, body: { message: 'fault', code: 0 } }) });
  const gateway = new DiscordGateway(world, emulator, { heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000 });
  registerGatewayRoutes(emulator, gateway, world);
  await emulator.start();
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  return { emulator, gateway };
}

async function login(emulator: EmulatorServer, intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]) {
  const client = new Client({ intents, rest: { api: `${emulator.url}/api` } });
  stops.push(() => client.destroy());
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TEST_TOKEN);
  await ready;
  return client;
}

function joining(id: string, name: string): GatewayGuildMemberAddDispatchData {
  return { ...testMember(testUser(id, name)), guild_id: '2000' };
}

function memberAdds(client: Client): GuildMember[] {
  const seen: GuildMember[] = [];
  client.on(Events.GuildMemberAdd, (member) => seen.push(member));
  return seen;
}

describe('Discord gateway with discord.js', () => {
  it('logs discord.js in with the guild cached: its channels and roles in order', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const guild = client.guilds.cache.get('2000');
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'vip-signals']);
    expect(guild?.roles.cache.sort((a, b) => a.position - b.position).map((r) => r.name)).toEqual(['@everyone', 'VIP', 'Signalcast']);
    expect(guild?.memberCount).toBe(2);
    expect(client.user?.id).toBe('1000');
    expect(client.application?.id).toBe('1000');
    expect(emulator.requests.filter((r) => r.path === '/api/v10/gateway/bot')).toHaveLength(1);
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 0 });
  });

  it('answers heartbeats so the client never takes the connection for a zombie', async () => {
    const { emulator, gateway } = await startGateway({ heartbeatIntervalMs: 50 });
    await login(emulator);
    await until(() => gateway.stats.heartbeats >= 4, 'four heartbeats');
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 0 });
  });

  it('delivers a GUILD_MEMBER_ADD dispatch as guildMemberAdd', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, joining('1002', 'ada'));
    const [member] = await until(() => seen.length > 0 && seen, 'guildMemberAdd');
    expect(member?.user.username).toBe('ada');
    expect(member?.guild.memberCount).toBe(3);
  });

  it('resumes after the emulator closes the connection and replays what was sent meanwhile', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    gateway.dropAll();
    gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, joining('1003', 'grace'));
    await until(() => seen.length > 0, 'the replayed guildMemberAdd');
    expect(seen.map((m) => m.user.username)).toEqual(['grace']);
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 1, invalidSessions: 0, replayed: 1 });
  });

  it('resumes after the socket is cut without a close frame', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    gateway.dropAll({ destroy: true });
    gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, joining('1004', 'linus'));
    await until(() => seen.length > 0, 'the replayed guildMemberAdd');
    expect(seen.map((m) => m.user.username)).toEqual(['linus']);
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 1, replayed: 1 });
  });

  it('makes the client IDENTIFY again when its session was invalidated', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    gateway.invalidateSessions();
    gateway.dropAll();
    // discord.js waits up to 5 s between IDENTIFYs of one shard.
    await until(() => gateway.stats.identifies === 2 && client.ws.status === Status.Ready, 'a second IDENTIFY', { timeoutMs: 20_000 });
    expect(gateway.stats).toMatchObject({ resumes: 1, invalidSessions: 1 });
    const seen = memberAdds(client);
    gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, joining('1005', 'barbara'));
    await until(() => seen.length > 0, 'guildMemberAdd on the new session');
    expect(client.guilds.cache.get('2000')?.available).toBe(true);
  });

  it('comes back after an outage (the emulator paused, then listening again) and gets dispatches again', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    await emulator.pause();
    await until(() => gateway.connections === 0, 'the gateway connection cut');
    await emulator.resume();
    await until(() => gateway.connections === 1 && client.ws.status === Status.Ready, 'the client back on the gateway', { timeoutMs: 20_000 });
    gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, joining('1006', 'edsger'));
    await until(() => seen.length > 0, 'guildMemberAdd after the outage');
    expect(seen.map((m) => m.user.username)).toEqual(['edsger']);
    // A RESUME, or an IDENTIFY when discord.js tried while the emulator was still refusing connections.
    expect(gateway.stats.identifies + gateway.stats.resumes).toBe(2);
  });

  it('answers guild.members.fetch() over the gateway with every member, or those a query names', async () => {
    const { emulator } = await startGateway();
    const client = await login(emulator);
    const guild = client.guilds.cache.get('2000');
    const all = await guild?.members.fetch();
    expect(all?.map((m) => m.user.username).sort()).toEqual(['owner', 'signalcast']);
    const named = await guild?.members.fetch({ query: 'OWN', limit: 10 });
    expect(named?.map((m) => m.id)).toEqual(['1001']);
    // Only the gateway answered: no REST call for members.
    expect(emulator.requests.map((r) => r.path)).toEqual(['/api/v10/gateway/bot']);
  });

  it('delivers an INTERACTION_CREATE slash command as a chat input interaction', async () => {
    const { emulator, gateway } = await startGateway();
    const client = await login(emulator);
    const seen: Interaction[] = [];
    client.on(Events.InteractionCreate, (interaction) => seen.push(interaction));
    const ada = testUser('1001', 'owner');
    const interaction: APIChatInputApplicationCommandInteraction = {
      id: '5000', application_id: '1000', type: InteractionType.ApplicationCommand, token: 'interaction-token', version: 1,
      data: { id: '6000', name: 'plans', type: ApplicationCommandType.ChatInput },
      guild_id: '2000', channel_id: '3000',
      channel: { id: '3000', type: ChannelType.GuildText, name: 'general' },
      member: { user: ada, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 as GuildMemberFlags, permissions: '1024' },
      app_permissions: '268435456', locale: Locale.EnglishUS, guild_locale: Locale.EnglishUS, entitlements: [],
      authorizing_integration_owners: {}, context: InteractionContextType.Guild, attachment_size_limit: 10_485_760,
    };
    gateway.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    const [got] = await until(() => seen.length > 0 && seen, 'interactionCreate');
    expect(got?.isChatInputCommand() && got.commandName).toBe('plans');
    expect(got?.user.id).toBe('1001');
    expect(got?.channelId).toBe('3000');
  });
});
