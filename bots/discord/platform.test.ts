// The Discord sender's request count: a person's first DM opens the DM channel first, which the dispatcher must count.
import { afterEach, describe, expect, it } from 'vitest';
import type { Recipient } from '../../core/types';
import { startDiscordWorld, type DiscordWorld } from './contract.fixtures';
import { DiscordPlatform, sendingRest } from './platform';

let world: DiscordWorld | undefined;
afterEach(async () => {
  await world?.emulator.stop();
  world = undefined;
});

const notice = { kind: 'notice', text: 'Hello' } as const;

describe('DiscordPlatform.requestsFor', () => {
  it('counts two requests for a first DM (DM channel, then message) and one once the DM channel is open', async () => {
    world = await startDiscordWorld();
    const platform = new DiscordPlatform(sendingRest({ token: world.emulator.token, apiUrl: world.emulator.apiUrl }));
    const person = world.emulator.memberJoins(world.guild.id, { username: 'ada' });
    const dm: Recipient = { platform: 'discord', chatId: person, direct: true };
    expect(platform.requestsFor(dm)).toBe(2);
    const before = world.emulator.stats().requests;
    await platform.send(dm, notice);
    expect(world.emulator.stats().requests - before).toBe(2);
    expect(platform.requestsFor(dm)).toBe(1);
    await platform.send(dm, notice);
    expect(world.emulator.stats().requests - before).toBe(3);
    expect(world.dmsOf(person)).toEqual(['Hello', 'Hello']);
  });

  it('counts one request for a channel post', async () => {
    world = await startDiscordWorld();
    const platform = new DiscordPlatform(sendingRest({ token: world.emulator.token, apiUrl: world.emulator.apiUrl }));
    expect(platform.requestsFor({ platform: 'discord', chatId: world.guild.channels.alerts!, tenant: world.guild.id })).toBe(1);
  });
});
