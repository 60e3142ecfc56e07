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
  type APIUser,
  type GuildMemberFlags,
} from 'discord-api-types/v10';
import { until } from '../../core/testing/until';
import { startDiscordEmulator, type DiscordEmulator } from './emulator';
import { attachGateway } from './gateway-world';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startGateway(options: { heartbeatIntervalMs?: number } = {}) {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000 });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  const view = emulator.createGuild({ channels: ['general', 'vip-signals'], roles: ['VIP'] });
  return { emulator, gateway, view };
}

async function login(emulator: DiscordEmulator, intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]) {
  const client = new Client({ intents, rest: { api: emulator.apiUrl } });
  stops.push(() => client.destroy());
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  return client;
}

function memberAdds(client: Client): GuildMember[] {
  const seen: GuildMember[] = [];
  client.on(Events.GuildMemberAdd, (member) => seen.push(member));
  return seen;
}

describe('Discord gateway with discord.js', () => {
  it('answers heartbeats so the client never takes the connection for a zombie', async () => {
    const { emulator, gateway } = await startGateway({ heartbeatIntervalMs: 50 });
    await login(emulator);
    await until(() => gateway.stats.heartbeats >= 4, 'four heartbeats');
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 0 });
  });

  it('resumes after the emulator closes the connection and replays what was sent meanwhile', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    gateway.dropAll();
    const userId = emulator.memberJoins(view.id, { username: 'grace' });
    await until(() => seen.length > 0, 'the replayed guildMemberAdd');
    expect(seen.map((m) => m.id)).toEqual([userId]);
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 1, invalidSessions: 0, replayed: 1 });
  });

  it('resumes after the socket is cut without a close frame', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    gateway.dropAll({ destroy: true });
    const userId = emulator.memberJoins(view.id, { username: 'linus' });
    await until(() => seen.length > 0, 'the replayed guildMemberAdd');
    expect(seen.map((m) => m.id)).toEqual([userId]);
    expect(gateway.stats).toMatchObject({ identifies: 1, resumes: 1, replayed: 1 });
  });

  it('makes the client IDENTIFY again when its session was invalidated', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    gateway.invalidateSessions();
    gateway.dropAll();
    // discord.js waits up to 5 s between IDENTIFYs of one shard.
    await until(() => gateway.stats.identifies === 2 && client.ws.status === Status.Ready, 'a second IDENTIFY', { timeoutMs: 20_000 });
    expect(gateway.stats).toMatchObject({ resumes: 1, invalidSessions: 1 });
    const seen = memberAdds(client);
    emulator.memberJoins(view.id, { username: 'barbara' });
    await until(() => seen.length > 0, 'guildMemberAdd on the new session');
    expect(client.guilds.cache.get(view.id)?.available).toBe(true);
  });

  it('makes a connected client IDENTIFY again when told its session is invalid', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    gateway.invalidateSessions({ notify: true });
    await until(() => gateway.stats.identifies === 2 && client.ws.status === Status.Ready, 'a second IDENTIFY', { timeoutMs: 20_000 });
    expect(gateway.stats).toMatchObject({ resumes: 0, invalidSessions: 1 });
    const seen = memberAdds(client);
    const userId = emulator.memberJoins(view.id, { username: 'margaret' });
    await until(() => seen.some((m) => m.id === userId), 'guildMemberAdd on the new session');
  });

  it('comes back after an outage (the emulator paused, then listening again) and gets dispatches again', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    const seen = memberAdds(client);
    await emulator.server.pause();
    await until(() => gateway.connections === 0, 'the gateway connection cut');
    await emulator.server.resume();
    await until(() => gateway.connections === 1 && client.ws.status === Status.Ready, 'the client back on the gateway', { timeoutMs: 20_000 });
    const userId = emulator.memberJoins(view.id, { username: 'edsger' });
    await until(() => seen.some((m) => m.id === userId), 'guildMemberAdd after the outage');
    // A RESUME, or an IDENTIFY when discord.js tried while the emulator was still refusing connections.
    expect(gateway.stats.identifies + gateway.stats.resumes).toBe(2);
  });

  it('answers guild.members.fetch() over the gateway with every member, or those a query names', async () => {
    const { emulator, view } = await startGateway();
    const client = await login(emulator);
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    const guild = client.guilds.cache.get(view.id);
    const all = await guild?.members.fetch();
    expect(all?.map((m) => m.id).sort()).toEqual([view.ownerId, client.user?.id, userId].sort());
    const named = await guild?.members.fetch({ query: 'AD', limit: 10 });
    expect(named?.map((m) => m.id)).toEqual([userId]);
    // Only the gateway answered: no REST call for members.
    expect(emulator.server.requests.map((r) => r.path)).toEqual(['/api/v10/gateway/bot']);
  });

  it('delivers an INTERACTION_CREATE slash command as a chat input interaction', async () => {
    const { emulator, gateway, view } = await startGateway();
    const client = await login(emulator);
    const seen: Interaction[] = [];
    client.on(Events.InteractionCreate, (interaction) => seen.push(interaction));
    const owner = emulator.state.users.get(view.ownerId)?.user as APIUser;
    const channelId = view.channels.general as string;
    const interaction: APIChatInputApplicationCommandInteraction = {
      id: '5000', application_id: emulator.applicationId, type: InteractionType.ApplicationCommand, token: 'interaction-token', version: 1,
      data: { id: '6000', name: 'plans', type: ApplicationCommandType.ChatInput },
      guild_id: view.id, channel_id: channelId,
      channel: { id: channelId, type: ChannelType.GuildText, name: 'general' },
      member: { user: owner, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 as GuildMemberFlags, permissions: '1024' },
      app_permissions: '268435456', locale: Locale.EnglishUS, guild_locale: Locale.EnglishUS, entitlements: [],
      authorizing_integration_owners: {}, context: InteractionContextType.Guild, attachment_size_limit: 10_485_760,
    };
    gateway.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    const [got] = await until(() => seen.length > 0 && seen, 'interactionCreate');
    expect(got?.isChatInputCommand() && got.commandName).toBe('plans');
    expect(got?.user.id).toBe(view.ownerId);
    expect(got?.channelId).toBe(channelId);
  });
});
