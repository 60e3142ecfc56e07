// The Discord adapter's start and stop with discord.js against the Discord emulator and its gateway.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import type { InboundEvent } from '../../core/inbound/types';
import { silentLogger } from '../../core/logger';
import type { AdapterContext } from '../../core/platform/adapter';
import { AdapterStartError } from '../../core/platform/errors';
import { until } from '../../core/testing/until';
import { attachGateway, startDiscordEmulator } from '../../sandbox/discord';
import { createDiscordAdapter } from './adapter';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const context = (): AdapterContext => ({
  logger: silentLogger, clock: new FakeClock(), publicUrl: undefined, platforms: ['discord'],
  access: { store: undefined as never, notices: async () => ({ sent: true }) }, installations: undefined as never,
});

async function emulatorWithGateway() {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: 30_000 });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  return emulator;
}

describe('the Discord adapter', () => {
  it('starts on the gateway, registers the menu as slash commands, hands a command to the handler, and stops', async () => {
    const emulator = await emulatorWithGateway();
    const guild = emulator.createGuild({ channels: ['general'] });
    const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [] }, context());
    stops.push(() => adapter.stop());
    const events: InboundEvent[] = [];
    await adapter.start(async (event) => (events.push(event), [{ text: 'Here are the plans' }]));
    const names = emulator.state.globalCommands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['start', 'plans', 'subscribe', 'publish']));
    expect(emulator.state.globalCommands.find((c) => c.name === 'subscribe')?.options?.[0]).toMatchObject({ name: 'plan', type: 3 });
    const userId = emulator.memberJoins(guild.id, { username: 'ada' });
    const record = emulator.runCommand({ guildId: guild.id, userId, channelId: guild.channels.general!, name: 'plans' });
    await until(() => record.original, 'the answer');
    expect(events[0]).toMatchObject({ type: 'command', command: 'plans', actor: { platformUserId: userId } });
    expect(record.original?.content).toBe('Here are the plans');
  });

  it('fails the start for good, naming the setting, when Discord refuses the token', async () => {
    const emulator = await emulatorWithGateway();
    const adapter = createDiscordAdapter({ token: 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBB.CCCCCCCCCCCCCCCCCCCCCCCCCC', apiUrl: emulator.apiUrl, operatorIds: [] }, context());
    const err = await adapter.start(async () => []).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterStartError);
    expect(err).toMatchObject({ failure: { permanent: true }, message: expect.stringMatching(/^DISCORD_BOT_TOKEN: Discord refused the token/) });
  });

  it('reports an unreachable Discord as worth another attempt, within its start timeout', async () => {
    const emulator = await emulatorWithGateway();
    const url = emulator.apiUrl;
    await emulator.stop();
    const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: url, operatorIds: [], startTimeoutMs: 3_000 }, context());
    const err = await adapter.start(async () => []).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ failure: { permanent: false } });
  });

  it('refuses a token that is not shaped like one, naming DISCORD_BOT_TOKEN', () => {
    expect(() => createDiscordAdapter({ token: 'nope', operatorIds: [] }, context())).toThrow(/^DISCORD_BOT_TOKEN: expected a bot token/);
  });

  it('fails the start for good, naming DISCORD_APPLICATION_ID, when the token is another application\'s', async () => {
    const emulator = await emulatorWithGateway();
    const other = emulator.applicationId === '123456789012345678' ? '223456789012345678' : '123456789012345678';
    const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [], applicationId: other }, context());
    const err = await adapter.start(async () => []).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ failure: { permanent: true }, message: expect.stringMatching(new RegExp(`^DISCORD_APPLICATION_ID: the token belongs to application ${emulator.applicationId}, not ${other}`)) });
    const right = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [], applicationId: emulator.applicationId }, context());
    stops.push(() => right.stop());
    await right.start(async () => []);
  });

  it('keeps no messages and at most 1,000 members in memory, whatever joins, and always the bot itself', async () => {
    const emulator = await emulatorWithGateway();
    const guild = emulator.createGuild({ channels: ['general'] });
    const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [], shardCount: 1 }, context());
    stops.push(() => adapter.stop());
    await adapter.start(async () => []);
    const cached = () => adapter.client.guilds.cache.get(guild.id)?.members.cache;
    await until(() => cached(), 'the server in the cache');
    for (let i = 0; i < 1_200; i++) emulator.memberJoins(guild.id, { username: `m${i}` });
    await until(() => (adapter.client.users.cache.size >= 1_000 ? true : undefined), 'the members seen');
    // Past the limit the oldest go, the bot stays.
    expect(cached()!.size).toBeLessThanOrEqual(1_000);
    expect(cached()!.has(adapter.client.user!.id)).toBe(true);
    expect(adapter.client.users.cache.size).toBeLessThanOrEqual(1_000);
    expect(adapter.client.options.shardCount).toBe(1);
  });
});
