// Slash commands and buttons through discord.js and the Discord emulator's gateway, as the core's neutral events.
import { Client, Events, GatewayIntentBits, REST } from 'discord.js';
import { Routes } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock';
import type { InboundEvent, Reply } from '../../core/inbound/types';
import { silentLogger } from '../../core/logger';
import { until } from '../../core/testing/until';
import { attachGateway, startDiscordEmulator } from '../../sandbox/discord';
import { installInteractions } from './inbound';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The emulator with its gateway, a server, a member, and discord.js logged in with our interaction handling. */
async function world(answer: (event: InboundEvent) => Promise<readonly Reply[]>, ackWithinMs?: number) {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: 30_000 });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  const guild = emulator.createGuild({ channels: ['general'], roles: ['VIP'] });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
  stops.push(() => client.destroy());
  const events: InboundEvent[] = [];
  installInteractions(client, { onEvent: () => async (event) => (events.push(event), answer(event)), clock: systemClock, logger: silentLogger, ackWithinMs });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  await client.application?.commands.set([{ name: 'plans', description: 'Show the plans' }, { name: 'status', description: 'Your subscription' }], guild.id);
  const userId = emulator.memberJoins(guild.id, { username: 'ada' });
  const channelId = guild.channels.general!;
  return { emulator, guild, userId, channelId, events };
}

describe('Discord interactions as neutral events', () => {
  it('turns a slash command into a command event and answers it, only to the person, with link and action buttons', async () => {
    const w = await world(async () => [{ text: 'VIP: $99/month', buttons: [[{ label: 'Pay', url: 'https://pay.example/vip' }], [{ label: 'Details', data: 'plan:vip' }]] }]);
    const record = w.emulator.runCommand({ guildId: w.guild.id, userId: w.userId, channelId: w.channelId, name: 'plans' });
    await until(() => record.original, 'the answer');
    // Private: only the person sees the answer; what the bot sends them later goes to their DMs, not the channel.
    expect(w.events[0]).toMatchObject({ type: 'command', command: 'plans', isPrivate: true, actor: { platform: 'discord', platformUserId: w.userId, username: 'ada' }, chat: { platform: 'discord', chatId: w.userId, direct: true } });
    expect(record.callbacks).toEqual([4]);
    expect(record.original?.content).toBe('VIP: $99/month');
    expect(record.original?.flags).toBe(64);
    const buttons = record.original?.components?.flatMap((row) => ('components' in row ? (row.components as unknown[]) : []));
    expect(buttons).toMatchObject([{ style: 5, label: 'Pay', url: 'https://pay.example/vip' }, { style: 1, label: 'Details', custom_id: 'plan:vip' }]);
  });

  it('brings a pressed button back as a button event, and a reply that edits its message updates that answer in place', async () => {
    const w = await world(async (event) => (event.type === 'command'
      ? [{ text: 'Which plan?', buttons: [[{ label: 'VIP', data: 'plan:vip' }]] }]
      : event.type === 'button' ? [{ text: 'You chose VIP', editMessageId: event.messageId }] : []));
    const command = w.emulator.runCommand({ guildId: w.guild.id, userId: w.userId, channelId: w.channelId, name: 'plans' });
    const answer = await until(() => command.original, 'the answer');
    const press = w.emulator.pressButton({ guildId: w.guild.id, userId: w.userId, messageId: answer.id, customId: 'plan:vip' });
    await until(() => press.callbacks.length > 0, 'the update');
    expect(w.events.find((e) => e.type === 'button')).toMatchObject({ type: 'button', data: 'plan:vip', messageId: answer.id, isPrivate: true, actor: { platformUserId: w.userId } });
    expect(press.callbacks).toEqual([7]);
    expect(command.original).toMatchObject({ id: answer.id, content: 'You chose VIP', flags: 64 });
    expect(w.emulator.messagesIn(w.channelId)).toEqual([]);
  });

  it('never puts a personal answer in place of a message others see: a button on a channel message is answered privately', async () => {
    const w = await world(async (event) => (event.type === 'button' ? [{ text: 'Your settings: band A only', editMessageId: event.messageId }] : []));
    const rest = new REST({ api: w.emulator.apiUrl }).setToken(w.emulator.token);
    const posted = (await rest.post(Routes.channelMessages(w.channelId), {
      body: { content: 'Pick a band', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'A only', custom_id: 'set:band:A' }] }] },
    })) as { id: string };
    const press = w.emulator.pressButton({ guildId: w.guild.id, userId: w.userId, messageId: posted.id, customId: 'set:band:A' });
    await until(() => press.original, 'the private answer');
    expect(press.callbacks).toEqual([4]);
    expect(press.original).toMatchObject({ content: 'Your settings: band A only', flags: 64 });
    expect(w.emulator.messagesIn(w.channelId).map((m) => m.content)).toEqual(['Pick a band']);
  });

  it('answers "Working on it…" before Discord gives up on a slow command, then puts the answer in its place', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const w = await world(async () => {
      await slow;
      return [{ text: 'Your plan: VIP until 1 March' }];
    }, 50);
    const record = w.emulator.runCommand({ guildId: w.guild.id, userId: w.userId, channelId: w.channelId, name: 'status' });
    await until(() => record.original, 'the acknowledgement');
    expect(record.original?.content).toMatch(/working on it/i);
    release();
    await until(() => record.original?.content === 'Your plan: VIP until 1 March', 'the answer in its place');
    expect(record.callbacks).toEqual([4]);
  });
});
