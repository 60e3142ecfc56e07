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
});
