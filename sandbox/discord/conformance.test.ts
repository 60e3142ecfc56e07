// Every object the Discord emulator returns has the field names, required fields and JSON types of
// its schema in Discord's OpenAPI spec (sandbox/specs/discord-openapi.json).
import { REST } from '@discordjs/rest';
import { Routes, type APIDMChannel, type APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordSpecChecker } from './openapi-check';
import { startDiscordEmulator, type DiscordEmulator, type GuildView } from './index';

const checker = new DiscordSpecChecker();
let emulator: DiscordEmulator;
let rest: REST;
let guild: GuildView;
let memberId: string;

beforeAll(async () => {
  emulator = await startDiscordEmulator({ gatewayUrl: 'ws://127.0.0.1:9/gateway' });
  rest = new REST({ api: emulator.apiUrl, retries: 0 }).setToken(emulator.token);
  guild = emulator.createGuild({ channels: ['signals'], roles: ['Free', 'VIP'] });
  memberId = emulator.memberJoins(guild.id, { username: 'ada' });
});

afterAll(async () => {
  await emulator.stop();
});

describe('Discord emulator conformance to the OpenAPI spec', () => {
  it('the checker itself refuses a missing required field, a wrong type and an unknown field', () => {
    expect(checker.check('GuildRoleResponse', { id: '1', name: 'x' })).toContain('GuildRoleResponse.permissions: required, missing');
    const user = { id: '1', username: 'a', avatar: null, discriminator: '0', public_flags: 0, flags: 0, global_name: null, primary_guild: null };
    expect(checker.check('UserResponse', user)).toEqual([]);
    expect(checker.check('UserResponse', { ...user, public_flags: '0' })).toEqual(['UserResponse.public_flags: is string, the spec says integer']);
    expect(checker.check('UserResponse', { ...user, id: 'abc' })[0]).toMatch(/does not match/);
    expect(checker.check('UserResponse', { ...user, nickname: 'x' })).toEqual(['UserResponse.nickname: not a field of the spec']);
  });

  it('messages with embeds and buttons, sent and edited', async () => {
    const channelId = guild.channels.signals!;
    const sent = (await rest.post(Routes.channelMessages(channelId), {
      body: {
        content: 'BTC long',
        embeds: [{ title: 'BTCUSDT', description: 'Long', color: 0x2ecc71, fields: [{ name: 'Entry', value: '64000', inline: true }, { name: 'Stop', value: '62000' }], footer: { text: '12:00 UTC' }, timestamp: new Date(0).toISOString() }],
        components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Subscribe', url: 'https://example.test/checkout' }, { type: 2, style: 1, label: 'Plans', custom_id: 'plans' }] }],
      },
    })) as APIMessage;
    expect(checker.check('MessageResponse', sent)).toEqual([]);
    const edited = await rest.patch(Routes.channelMessage(channelId, sent.id), { body: { content: 'BTC long (filled)' } });
    expect(checker.check('MessageResponse', edited)).toEqual([]);
    expect(checker.check('MessageResponse', await rest.get(Routes.channelMessage(channelId, sent.id)))).toEqual([]);
  });

  it('members, alone and listed, and the roles', async () => {
    await rest.put(Routes.guildMemberRole(guild.id, memberId, guild.roles.VIP!));
    expect(checker.check('GuildMemberResponse', await rest.get(Routes.guildMember(guild.id, memberId)))).toEqual([]);
    const members = (await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '10' }) })) as unknown[];
    expect(members.length).toBe(3);
    for (const member of members) expect(checker.check('GuildMemberResponse', member)).toEqual([]);
    const roles = (await rest.get(Routes.guildRoles(guild.id))) as unknown[];
    expect(roles.length).toBe(4);
    for (const role of roles) expect(checker.check('GuildRoleResponse', role)).toEqual([]);
  });

  it('guild and DM channels, and messages in a DM', async () => {
    expect(checker.check('GuildChannelResponse', await rest.get(Routes.channel(guild.channels.signals!)))).toEqual([]);
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: memberId } })) as APIDMChannel;
    expect(checker.check('PrivateChannelResponse', dm)).toEqual([]);
    expect(checker.check('MessageResponse', await rest.post(Routes.channelMessages(dm.id), { body: { content: 'welcome' } }))).toEqual([]);
    expect(checker.check('PrivateChannelResponse', await rest.get(Routes.channel(dm.id)))).toEqual([]);
  });

  it('the guild, with and without counts, and another user', async () => {
    expect(checker.check('GuildResponse', await rest.get(Routes.guild(guild.id)))).toEqual([]);
    expect(checker.check('GuildWithCountsResponse', await rest.get(Routes.guild(guild.id), { query: new URLSearchParams({ with_counts: 'true' }) }))).toEqual([]);
    expect(checker.check('UserResponse', await rest.get(Routes.user(memberId)))).toEqual([]);
  });

  it('the bot user and the gateway', async () => {
    expect(checker.check('UserPIIResponse', await rest.get(Routes.user()))).toEqual([]);
    expect(checker.check('GatewayBotResponse', await rest.get(Routes.gatewayBot()))).toEqual([]);
  });

  it('interaction replies and follow-ups', async () => {
    await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [{ name: 'status', description: 'Status' }] });
    const record = emulator.runCommand({ guildId: guild.id, userId: memberId, channelId: guild.channels.signals!, name: 'status' });
    await rest.post(Routes.interactionCallback(record.id, record.token), { body: { type: 4, data: { content: 'Active', flags: 64 } }, auth: false });
    expect(checker.check('MessageResponse', await rest.get(Routes.webhookMessage(emulator.applicationId, record.token), { auth: false }))).toEqual([]);
    expect(checker.check('MessageResponse', await rest.post(Routes.webhook(emulator.applicationId, record.token), { body: { content: 'More' }, auth: false }))).toEqual([]);
  });

  it('commands after a bulk overwrite', async () => {
    const commands = (await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [{ name: 'plans', description: 'See the plans' }] })) as unknown[];
    for (const command of commands) expect(checker.check('ApplicationCommandResponse', command)).toEqual([]);
  });
});
