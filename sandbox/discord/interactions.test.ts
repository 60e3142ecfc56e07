// Interactions on the Discord emulator: a slash command or a button becomes INTERACTION_CREATE, and
// the callback and follow-ups (sent by @discordjs/rest without Authorization) are kept as Discord would.
import type { DiscordAPIError} from '@discordjs/rest';
import { REST } from '@discordjs/rest';
import { Routes, type APIChatInputApplicationCommandGuildInteraction, type APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startDiscordEmulator, type DiscordEmulator, type GuildView } from './index';

let emulator: DiscordEmulator;
let clock: FakeClock;
let rest: REST;
let guild: GuildView;
let userId: string;
let dispatched: unknown[];

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  emulator = await startDiscordEmulator({ clock });
  rest = new REST({ api: emulator.apiUrl, retries: 0 }).setToken(emulator.token);
  guild = emulator.createGuild({ channels: ['general'] });
  userId = emulator.memberJoins(guild.id, { username: 'ada' });
  await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [{ name: 'plans', description: 'See the plans' }] });
  dispatched = [];
  emulator.onDispatch((type, data) => {
    if (type === 'INTERACTION_CREATE') dispatched.push(data);
  });
});

afterEach(async () => {
  await emulator.stop();
});

const callback = (id: string, token: string, body: unknown) => rest.post(Routes.interactionCallback(id, token), { body, auth: false });
const codeOf = (p: Promise<unknown>) => p.then(() => 0, (e: DiscordAPIError) => e.code);

describe('Discord emulator interactions', () => {
  it('a slash command dispatches INTERACTION_CREATE with the channel object and no entitlements', () => {
    const record = emulator.runCommand({ guildId: guild.id, userId, channelId: guild.channels.general!, name: 'plans' });
    const interaction = dispatched[0] as APIChatInputApplicationCommandGuildInteraction;
    expect(interaction).toMatchObject({ id: record.id, token: record.token, type: 2, guild_id: guild.id, channel: { id: guild.channels.general, type: 0 }, entitlements: [], data: { name: 'plans', type: 1 } });
    expect(interaction.member.user.id).toBe(userId);
  });

  it('an ephemeral reply is answered without Authorization and not posted in the channel; a second answer is 40060', async () => {
    const record = emulator.runCommand({ guildId: guild.id, userId, channelId: guild.channels.general!, name: 'plans' });
    await callback(record.id, record.token, { type: 4, data: { content: 'Your plans', flags: 64 } });
    const call = emulator.server.requests.find((r) => r.path.endsWith('/callback'))!;
    expect(call.headers.authorization).toBeUndefined();
    expect(record.original).toMatchObject({ content: 'Your plans', flags: 64 });
    expect(emulator.messagesIn(guild.channels.general!)).toEqual([]);
    expect(await codeOf(callback(record.id, record.token, { type: 4, data: { content: 'again' } }))).toBe(40060);
  });

  it('an answer after 3 s is 10062 Unknown interaction', async () => {
    const record = emulator.runCommand({ guildId: guild.id, userId, channelId: guild.channels.general!, name: 'plans' });
    await clock.advance(3_001);
    expect(await codeOf(callback(record.id, record.token, { type: 5 }))).toBe(10062);
    expect(record.callbacks).toEqual([]);
  });

  it('a deferred reply is filled by editing @original, then a follow-up is sent', async () => {
    const record = emulator.runCommand({ guildId: guild.id, userId, channelId: guild.channels.general!, name: 'plans' });
    expect(await codeOf(rest.post(Routes.webhook(emulator.applicationId, record.token), { body: { content: 'too early' }, auth: false }))).toBe(10015);
    await callback(record.id, record.token, { type: 5, data: { flags: 64 } });
    const filled = (await rest.patch(Routes.webhookMessage(emulator.applicationId, record.token), { body: { content: 'Working done' }, auth: false })) as APIMessage;
    expect(filled).toMatchObject({ content: 'Working done', flags: 64 });
    await rest.patch(Routes.webhookMessage(emulator.applicationId, record.token), { body: { content: 'Done' }, auth: false });
    expect(record.original?.content).toBe('Done');
    await rest.post(Routes.webhook(emulator.applicationId, record.token), { body: { content: 'One more thing' }, auth: false });
    expect(record.followUps.map((m) => m.content)).toEqual(['One more thing']);
    expect(emulator.messagesIn(guild.channels.general!).map((m) => m.content)).toEqual(['One more thing']);
  });

  it('a button press dispatches the message and its custom id; UPDATE_MESSAGE edits that message', async () => {
    const sent = (await rest.post(Routes.channelMessages(guild.channels.general!), {
      body: { content: 'Pick a plan', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'VIP', custom_id: 'plan:vip' }] }] },
    })) as APIMessage;
    const record = emulator.pressButton({ guildId: guild.id, userId, messageId: sent.id, customId: 'plan:vip' });
    expect(dispatched[0]).toMatchObject({ type: 3, message: { id: sent.id }, data: { custom_id: 'plan:vip', component_type: 2 } });
    await callback(record.id, record.token, { type: 7, data: { content: 'VIP chosen', components: [] } });
    expect(emulator.messagesIn(guild.channels.general!)[0]).toMatchObject({ id: sent.id, content: 'VIP chosen', components: [] });
  });
});
