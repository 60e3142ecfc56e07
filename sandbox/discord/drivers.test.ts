// The Discord emulator's drivers: what people and admins do, the dispatches a gateway would send
// for it, and how the REST side answers afterwards (through the real @discordjs/rest).
import type { DiscordAPIError} from '@discordjs/rest';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordEmulator, type DiscordEmulator, type DispatchType } from './index';

let emulator: DiscordEmulator;
let rest: REST;
let events: { type: DispatchType; data: Record<string, unknown> }[];

beforeEach(async () => {
  emulator = await startDiscordEmulator();
  rest = new REST({ api: emulator.apiUrl, retries: 0 }).setToken(emulator.token);
  events = [];
  emulator.onDispatch((type, data) => events.push({ type, data: data as Record<string, unknown> }));
});

afterEach(async () => {
  await emulator.stop();
});

const codeOf = (p: Promise<unknown>) => p.then(() => 0, (e: DiscordAPIError) => e.code);

describe('Discord emulator drivers', () => {
  it('creates a guild with channels, roles in order under the bot\'s managed role, the owner and the bot', () => {
    const view = emulator.createGuild({ name: 'Signal Room', channels: ['general', 'vip-signals'], roles: ['Free', 'VIP'] });
    const guild = emulator.state.guilds.get(view.id)!;
    expect(emulator.state.rolesOf(guild).map((r) => [r.name, r.position, r.managed])).toEqual([
      ['@everyone', 0, false],
      ['Free', 1, false],
      ['VIP', 2, false],
      [emulator.state.bot.username, 3, true],
    ]);
    expect(guild.roles.get(view.id)?.name).toBe('@everyone');
    expect([...guild.channels.values()].map((c) => [c.name, c.guild_id])).toEqual([['general', view.id], ['vip-signals', view.id]]);
    expect(emulator.memberRoles(view.id, emulator.state.bot.id)).toEqual([view.botRoleId]);
    expect(emulator.memberRoles(view.id, view.ownerId)).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['GUILD_CREATE']);
    expect(emulator.gatewayWorld().guilds()[0]).toMatchObject({ id: view.id, member_count: 2, unavailable: false });
  });

  it('creates a guild with the fixed ids it is given (the sandbox\'s demo server), and refuses a second guild with the same id', async () => {
    const ids = { guild: '900000000000000001', roles: { VIP: '900000000000000002' }, channels: { 'vip-signals': '900000000000000003' } };
    const view = emulator.createGuild({ channels: ['general', 'vip-signals'], roles: ['VIP'], ids });
    expect(view).toMatchObject({ id: ids.guild, roles: { VIP: ids.roles.VIP }, channels: { 'vip-signals': ids.channels['vip-signals'] } });
    const role = (await rest.get(Routes.guildRoles(ids.guild))) as { id: string; name: string }[];
    expect(role.find((r) => r.id === ids.roles.VIP)?.name).toBe('VIP');
    expect(() => emulator.createGuild({ ids: { guild: ids.guild } })).toThrow(/guild 900000000000000001 exists/);
  });

  it('a member joins and leaves: GUILD_MEMBER_ADD and GUILD_MEMBER_REMOVE with the guild id', async () => {
    const view = emulator.createGuild();
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    emulator.memberLeaves(view.id, userId);
    expect(events.slice(1).map((e) => [e.type, e.data.guild_id, (e.data.user as { id: string }).id])).toEqual([
      ['GUILD_MEMBER_ADD', view.id, userId],
      ['GUILD_MEMBER_REMOVE', view.id, userId],
    ]);
    expect(await codeOf(rest.get(Routes.guildMember(view.id, userId)))).toBe(10007);
  });

  it('a kick over REST dispatches GUILD_MEMBER_REMOVE', async () => {
    const view = emulator.createGuild();
    const userId = emulator.memberJoins(view.id);
    await rest.delete(Routes.guildMember(view.id, userId));
    expect(events.at(-1)).toMatchObject({ type: 'GUILD_MEMBER_REMOVE', data: { guild_id: view.id } });
  });

  it('an admin moves a role above the bot\'s: GUILD_ROLE_UPDATE, grants refused with 50013, allowed again once moved back', async () => {
    const view = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(view.id);
    emulator.moveRoleAboveBot(view.id, view.roles.VIP!);
    const updates = events.filter((e) => e.type === 'GUILD_ROLE_UPDATE').map((e) => e.data.role as { id: string; position: number });
    expect(updates).toEqual(expect.arrayContaining([expect.objectContaining({ id: view.roles.VIP, position: 2 }), expect.objectContaining({ id: view.botRoleId, position: 1 })]));
    expect(await codeOf(rest.put(Routes.guildMemberRole(view.id, userId, view.roles.VIP!)))).toBe(50013);
    emulator.moveRole(view.id, view.roles.VIP!, 1);
    expect(await codeOf(rest.put(Routes.guildMemberRole(view.id, userId, view.roles.VIP!)))).toBe(0);
    expect(emulator.memberRoles(view.id, userId)).toEqual([view.roles.VIP]);
  });

  it('an admin deletes a role: holders lose it, GUILD_ROLE_DELETE, and the role is then unknown (10011)', async () => {
    const view = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(view.id);
    await rest.put(Routes.guildMemberRole(view.id, userId, view.roles.VIP!));
    events.length = 0;
    emulator.deleteRole(view.id, view.roles.VIP!);
    expect(events.map((e) => e.type)).toEqual(['GUILD_MEMBER_UPDATE', 'GUILD_ROLE_DELETE']);
    expect(events[1]!.data).toEqual({ guild_id: view.id, role_id: view.roles.VIP });
    expect(emulator.memberRoles(view.id, userId)).toEqual([]);
    expect(await codeOf(rest.put(Routes.guildMemberRole(view.id, userId, view.roles.VIP!)))).toBe(10011);
  });

  it('an admin gives a role by hand, even one above the bot\'s: GUILD_MEMBER_UPDATE with the roles', () => {
    const view = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(view.id);
    emulator.moveRoleAboveBot(view.id, view.roles.VIP!);
    events.length = 0;
    emulator.giveRoleByHand(view.id, userId, view.roles.VIP!);
    expect(events).toEqual([{ type: 'GUILD_MEMBER_UPDATE', data: expect.objectContaining({ guild_id: view.id, roles: [view.roles.VIP] }) }]);
  });

  it('reset forgets guilds and requests but keeps the bot and its token', async () => {
    const view = emulator.createGuild();
    await rest.get(Routes.user());
    emulator.reset();
    expect(emulator.state.guilds.size).toBe(0);
    expect(emulator.server.requests).toHaveLength(0);
    expect(await codeOf(rest.get(Routes.guild(view.id)))).toBe(10004);
    expect(await rest.get(Routes.user())).toMatchObject({ id: emulator.state.bot.id });
  });

  it('a person writes in their DMs with the bot or in a channel of their guild: the message is kept and MESSAGE_CREATE announced', () => {
    const view = emulator.createGuild({ channels: ['general'] });
    const ada = emulator.memberJoins(view.id, { username: 'ada' });
    events.length = 0;
    const dm = emulator.userWrites({ userId: ada, text: 'hello, is this the signals bot?' });
    const channel = emulator.userWrites({ userId: ada, channelId: view.channels.general!, text: 'hi all' });
    expect(dm).toMatchObject({ channel_id: emulator.state.dmChannels.get(ada)?.id, author: { id: ada }, content: 'hello, is this the signals bot?' });
    expect(emulator.messagesIn(view.channels.general!).map((m) => [m.author.id, m.content])).toEqual([[ada, 'hi all']]);
    expect(events.map((e) => [e.type, e.data.id, e.data.guild_id])).toEqual([['MESSAGE_CREATE', dm.id, undefined], ['MESSAGE_CREATE', channel.id, view.id]]);
    const stranger = emulator.createUser('stranger');
    expect(() => emulator.userWrites({ userId: stranger, channelId: view.channels.general!, text: 'let me in' })).toThrow(/not in guild/);
  });
});

