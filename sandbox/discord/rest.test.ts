// The Discord emulator's REST v10 through the real @discordjs/rest client on loopback.
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes, type APIDMChannel, type APIGuildMember, type APIMessage, type APIRole } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordEmulator, type DiscordEmulator } from './index';

let emulator: DiscordEmulator;
let rest: REST;

beforeEach(async () => {
  emulator = await startDiscordEmulator({ gatewayUrl: 'ws://127.0.0.1:9/gateway' });
  rest = new REST({ api: emulator.apiUrl, retries: 0 }).setToken(emulator.token);
});

afterEach(async () => {
  await emulator.stop();
});

describe('Discord emulator REST v10', () => {
  it('sends a message with an embed and keeps it as Discord would', async () => {
    const guild = emulator.createGuild({ channels: ['signals'] });
    const channelId = guild.channels.signals!;
    const sent = (await rest.post(Routes.channelMessages(channelId), {
      body: { content: 'BTC long', embeds: [{ title: 'BTCUSDT', color: 0x2ecc71, fields: [{ name: 'Entry', value: '64000' }] }] },
    })) as APIMessage;
    expect(sent.author.id).toBe(emulator.state.bot.id);
    const stored = emulator.messagesIn(channelId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content).toBe('BTC long');
    expect(stored[0]!.embeds[0]).toMatchObject({ type: 'rich', title: 'BTCUSDT', color: 0x2ecc71, fields: [{ name: 'Entry', value: '64000', inline: false }] });
    const edited = (await rest.patch(Routes.channelMessage(channelId, sent.id), { body: { content: 'BTC long (filled)' } })) as APIMessage;
    expect(edited.edited_timestamp).not.toBeNull();
    expect(emulator.messagesIn(channelId)[0]!.content).toBe('BTC long (filled)');
  });

  it('adds and removes a role and the member shows it', async () => {
    const guild = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(guild.id, { username: 'ada' });
    const seen: string[] = [];
    emulator.onDispatch((type) => seen.push(type));
    await rest.put(Routes.guildMemberRole(guild.id, userId, guild.roles.VIP!));
    const member = (await rest.get(Routes.guildMember(guild.id, userId))) as APIGuildMember;
    expect(member.roles).toEqual([guild.roles.VIP]);
    await rest.delete(Routes.guildMemberRole(guild.id, userId, guild.roles.VIP!));
    expect(emulator.memberRoles(guild.id, userId)).toEqual([]);
    expect(seen).toEqual(['GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_UPDATE']);
  });

  it('refuses a role at or above the bot\'s highest with 50013 Missing Permissions', async () => {
    const guild = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(guild.id);
    emulator.moveRoleAboveBot(guild.id, guild.roles.VIP!);
    const roles = (await rest.get(Routes.guildRoles(guild.id))) as APIRole[];
    expect(roles.map((r) => r.name)).toEqual(['@everyone', emulator.state.bot.username, 'VIP']);
    const err = await rest.put(Routes.guildMemberRole(guild.id, userId, guild.roles.VIP!)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50013);
    expect((err as DiscordAPIError).status).toBe(403);
    expect(emulator.memberRoles(guild.id, userId)).toEqual([]);
  });

  it('answers unknown channel, member and role with their codes', async () => {
    const guild = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(guild.id);
    const codeOf = (p: Promise<unknown>) => p.then(() => 0, (e: DiscordAPIError) => [e.status, e.code]);
    expect(await codeOf(rest.post(Routes.channelMessages('123456789012345678'), { body: { content: 'x' } }))).toEqual([404, 10003]);
    expect(await codeOf(rest.get(Routes.guildMember(guild.id, '123456789012345678')))).toEqual([404, 10007]);
    expect(await codeOf(rest.put(Routes.guildMemberRole(guild.id, userId, '123456789012345678')))).toEqual([404, 10011]);
  });

  it('refuses a DM to someone who closed their DMs with 50007', async () => {
    const guild = emulator.createGuild();
    const userId = emulator.memberJoins(guild.id);
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIDMChannel;
    await rest.post(Routes.channelMessages(dm.id), { body: { content: 'welcome' } });
    expect(emulator.messagesIn(dm.id)).toHaveLength(1);
    emulator.closeDms(userId);
    const err = (await rest.post(Routes.channelMessages(dm.id), { body: { content: 'again' } }).catch((e: unknown) => e)) as DiscordAPIError;
    expect([err.status, err.code]).toEqual([403, 50007]);
    expect(emulator.messagesIn(dm.id)).toHaveLength(1);
  });

  it('kicks a member, and refuses to kick the owner', async () => {
    const guild = emulator.createGuild();
    const userId = emulator.memberJoins(guild.id);
    await rest.delete(Routes.guildMember(guild.id, userId));
    expect(emulator.memberRoles(guild.id, userId)).toBeUndefined();
    const err = (await rest.delete(Routes.guildMember(guild.id, guild.ownerId)).catch((e: unknown) => e)) as DiscordAPIError;
    expect(err.code).toBe(50013);
  });

  it('pages members by user id with limit and after', async () => {
    const guild = emulator.createGuild();
    for (let i = 0; i < 5; i += 1) emulator.memberJoins(guild.id, { username: `m${i}` });
    const all: string[] = [];
    let after = '0';
    for (;;) {
      const page = (await rest.get(Routes.guildMembers(guild.id), { query: new URLSearchParams({ limit: '3', after }) })) as APIGuildMember[];
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(3);
      all.push(...page.map((m) => m.user.id));
      after = page[page.length - 1]!.user.id;
    }
    expect(all).toHaveLength(7); // owner, bot and five members
    expect(new Set(all).size).toBe(7);
    expect([...all].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(all);
  });

  it('stores bulk-overwritten commands, global and per guild, and answers the gateway URL and the bot user', async () => {
    const guild = emulator.createGuild();
    await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [{ name: 'plans', description: 'Plans' }, { name: 'help', description: 'Help' }] });
    await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [{ name: 'plans', description: 'Plans' }] });
    await rest.put(Routes.applicationGuildCommands(emulator.applicationId, guild.id), { body: [{ name: 'grant', description: 'Grant' }] });
    expect(emulator.state.globalCommands.map((c) => c.name)).toEqual(['plans']);
    expect(emulator.state.guildCommands.get(guild.id)?.map((c) => c.name)).toEqual(['grant']);
    expect(await rest.get(Routes.gatewayBot())).toMatchObject({ url: 'ws://127.0.0.1:9/gateway', shards: 1 });
    expect(await rest.get(Routes.user())).toMatchObject({ id: emulator.state.bot.id, bot: true });
  });

  it('answers a wrong token 401 with Discord\'s body and counts it as invalid', async () => {
    const wrong = new REST({ api: emulator.apiUrl, retries: 0 }).setToken('not.the.token');
    const err = (await wrong.get(Routes.user()).catch((e: unknown) => e)) as DiscordAPIError;
    expect(err.status).toBe(401);
    expect(err.rawError).toEqual({ message: '401: Unauthorized', code: 0 });
    expect(emulator.stats().invalidRequests).toBe(1);
  });
});
