// discord.js's own managers (no gateway login) against the emulator's REST: fetch a guild and a
// member, add and remove a role, meet 50013 as a DiscordAPIError, open a DM and send an embed.
import { Client, DiscordAPIError, EmbedBuilder, GatewayIntentBits, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordEmulator, type DiscordEmulator } from './index';

let emulator: DiscordEmulator;
let client: Client;

beforeEach(async () => {
  emulator = await startDiscordEmulator();
  client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: emulator.apiUrl, retries: 0 } });
  client.rest.setToken(emulator.token);
});

afterEach(async () => {
  await client.destroy();
  await emulator.stop();
});

describe('discord.js against the Discord emulator REST', () => {
  it('fetches the guild and a member, and adds and removes a managed role', async () => {
    const view = emulator.createGuild({ name: 'Signal Room', roles: ['Free', 'VIP'] });
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    const guild = await client.guilds.fetch(view.id);
    expect(guild.name).toBe('Signal Room');
    expect(guild.roles.cache.get(view.roles.VIP!)?.position).toBe(2);
    const member = await guild.members.fetch(userId);
    expect(member.user.username).toBe('ada');
    await member.roles.add(view.roles.VIP!);
    expect(emulator.memberRoles(view.id, userId)).toEqual([view.roles.VIP]);
    await member.roles.remove(view.roles.VIP!);
    expect(emulator.memberRoles(view.id, userId)).toEqual([]);
  });

  it('surfaces a role above the bot\'s as DiscordAPIError 50013', async () => {
    const view = emulator.createGuild({ roles: ['VIP'] });
    const userId = emulator.memberJoins(view.id);
    emulator.moveRoleAboveBot(view.id, view.roles.VIP!);
    const guild = await client.guilds.fetch(view.id);
    const member = await guild.members.fetch(userId);
    const err = await member.roles.add(view.roles.VIP!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50013);
    expect((err as DiscordAPIError).message).toBe('Missing Permissions');
    expect(emulator.memberRoles(view.id, userId)).toEqual([]);
  });

  it('opens a DM and sends an embed the emulator keeps', async () => {
    const view = emulator.createGuild();
    const userId = emulator.memberJoins(view.id, { username: 'ada' });
    // users.createDM needs the logged-in client user (the gateway's READY); the REST route is the same.
    const opened = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    const dm = await client.channels.fetch(opened.id);
    if (!dm?.isDMBased() || !dm.isSendable()) throw new Error('expected a DM channel');
    expect((await client.users.fetch(userId)).username).toBe('ada');
    const sent = await dm.send({ embeds: [new EmbedBuilder().setTitle('Welcome').setColor(0x5865f2).addFields({ name: 'Plan', value: 'VIP' })] });
    expect(sent.embeds[0]?.title).toBe('Welcome');
    const stored = emulator.messagesIn(dm.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.embeds[0]).toMatchObject({ title: 'Welcome', color: 0x5865f2, fields: [{ name: 'Plan', value: 'VIP', inline: false }] });
  });
});
