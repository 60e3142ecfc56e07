// The Discord sender's request count: a person's first DM opens the DM channel first, which the dispatcher must count.
import { afterEach, describe, expect, it } from 'vitest';
import type { Recipient, Signal, SignalUpdate } from '../../core/types';
import { startDiscordEmulator } from '../../sandbox/discord';
import { startDiscordWorld, type DiscordWorld } from './contract.fixtures';
import { DiscordPlatform, dmOpeningRests, sendingRest } from './platform';

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
    expect(platform.requestsFor(dm, 'notice')).toBe(2);
    const before = world.emulator.stats().requests;
    await platform.send(dm, notice);
    expect(world.emulator.stats().requests - before).toBe(2);
    expect(platform.requestsFor(dm, 'notice')).toBe(1);
    await platform.send(dm, notice);
    expect(world.emulator.stats().requests - before).toBe(3);
    expect(world.dmsOf(person)).toEqual(['Hello', 'Hello']);
  });

  it('counts one request for a channel post', async () => {
    world = await startDiscordWorld();
    const platform = new DiscordPlatform(sendingRest({ token: world.emulator.token, apiUrl: world.emulator.apiUrl }));
    expect(platform.requestsFor({ platform: 'discord', chatId: world.guild.channels.alerts!, tenant: world.guild.id }, 'alert')).toBe(1);
  });

  it('counts two requests for an update (its reply, then the edit of its alert), as the emulator receives them', async () => {
    world = await startDiscordWorld();
    const platform = new DiscordPlatform(sendingRest({ token: world.emulator.token, apiUrl: world.emulator.apiUrl }));
    const channel: Recipient = { platform: 'discord', chatId: world.guild.channels.alerts!, tenant: world.guild.id };
    const signal: Signal = {
      id: 'sig_1', publisherId: 'p1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, band: 'A', reasons: ['Breakout'], createdAt: new Date(Date.UTC(2026, 0, 5)),
    };
    const alert = await platform.send(channel, { kind: 'alert', signal });
    const update: SignalUpdate = { id: 'upd_1', signalId: 'sig_1', kind: 'target_hit', targetIndex: 1, price: 110, createdAt: new Date(Date.UTC(2026, 0, 6)) };
    expect(platform.requestsFor(channel, 'update')).toBe(2);
    const before = world.emulator.stats().requests;
    await platform.send(channel, { kind: 'update', signal, update, updates: [update], replyToMessageId: alert.messageId });
    expect(world.emulator.stats().requests - before).toBe(2);
  });
});

describe('DiscordPlatform DM channels', () => {
  it('opens other people\'s DM channels while one opening hangs, through its several openers', async () => {
    world = await startDiscordWorld();
    const options = { token: world.emulator.token, apiUrl: world.emulator.apiUrl };
    const platform = new DiscordPlatform(sendingRest(options), { dmOpeners: dmOpeningRests(options, 4) });
    const people = Array.from({ length: 4 }, (_, i) => world!.emulator.memberJoins(world!.guild.id, { username: `p${i}` }));
    // The first opening hangs; through one client (one queue per route) the others would wait behind it.
    world.emulator.server.failNext({ kind: 'hang' }, { count: 1, match: (req) => req.path.endsWith('/users/@me/channels') });
    const hung = platform.send({ platform: 'discord', chatId: people[0]!, direct: true }, notice).catch((err: unknown) => err);
    await Promise.all(people.slice(1).map((p) => platform.send({ platform: 'discord', chatId: p, direct: true }, notice)));
    for (const p of people.slice(1)) expect(world.dmsOf(p)).toEqual(['Hello']);
    expect(world.dmsOf(people[0]!)).toEqual([]);
    // The hung opening ends as a network failure, retried later by the dispatcher.
    world.emulator.server.clearFaults();
    expect(await hung).toMatchObject({ kind: 'temporary' });
  });
});

describe('DiscordPlatform and the limit on opening DM channels', () => {
  it('waits once any opener hears the route\'s bucket is empty, without a request Discord would refuse', async () => {
    const emulator = await startDiscordEmulator({ limits: { routes: { 'POST /users/@me/channels': { limit: 2, windowMs: 60_000 } } } });
    try {
      const guild = emulator.createGuild({ channels: ['general'] });
      const options = { token: emulator.token, apiUrl: emulator.apiUrl };
      const platform = new DiscordPlatform(sendingRest(options), { dmOpeners: dmOpeningRests(options, 4) });
      const people = Array.from({ length: 3 }, (_, i) => emulator.memberJoins(guild.id, { username: `p${i}` }));
      for (const p of people.slice(0, 2)) await platform.send({ platform: 'discord', chatId: p, direct: true }, notice);
      const before = emulator.stats().requests;
      // The third opening would go through an opener that has not heard the limit yet: it waits instead.
      const err = await platform.send({ platform: 'discord', chatId: people[2]!, direct: true }, notice).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'rate_limited', scope: 'chat' });
      expect(emulator.stats().requests).toBe(before);
      expect(emulator.stats().invalidRequests).toBe(0);
    } finally {
      await emulator.stop();
    }
  });
});
