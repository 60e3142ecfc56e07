// The Discord emulator's rate limits: headers on every answer, per-route and global 429s as Discord
// words them, injected 429s waited out by the real @discordjs/rest, and the invalid-request count.
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions } from './index';

let emulator: DiscordEmulator | undefined;

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: DiscordEmulatorOptions = {}): Promise<{ emu: DiscordEmulator; channelId: string; post: (content: string) => Promise<Response> }> {
  const emu = await startDiscordEmulator(options);
  emulator = emu;
  const guild = emu.createGuild({ channels: ['signals'] });
  const channelId = guild.channels.signals!;
  const post = (content: string) =>
    fetch(`${emu.apiUrl}/v10/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${emu.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content }),
    });
  return { emu, channelId, post };
}

describe('Discord emulator rate limits', () => {
  it('puts the bucket headers on every answer and refuses past the route window with scope user', async () => {
    const clock = new FakeClock();
    const { emu, post } = await start({ clock, limits: { routes: { 'POST /channels/:id/messages': { limit: 2, windowMs: 5000 } } } });
    const first = await post('a');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-after')).toBe('5.000');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBe((clock.now() + 5000) / 1000);
    const bucket = first.headers.get('x-ratelimit-bucket');
    expect(bucket).toMatch(/^[0-9a-f]{16}$/);
    await clock.advance(1000);
    expect((await post('b')).headers.get('x-ratelimit-remaining')).toBe('0');
    const refused = await post('c');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-scope')).toBe('user');
    expect(refused.headers.get('retry-after')).toBe('4');
    expect(refused.headers.get('x-ratelimit-bucket')).toBe(bucket);
    expect(await refused.json()).toEqual({ message: 'You are being rate limited.', retry_after: 4, global: false });
    await clock.advance(4000);
    expect((await post('d')).status).toBe(200);
    expect(emu.stats().invalidRequests).toBe(1);
  });

  it('keeps a bucket per channel: another channel is not limited', async () => {
    const { emu, post } = await start({ clock: new FakeClock(), limits: { routes: { 'POST /channels/:id/messages': { limit: 1, windowMs: 5000 } } } });
    expect((await post('a')).status).toBe(200);
    expect((await post('b')).status).toBe(429);
    const guild = emu.createGuild({ channels: ['other'] });
    const other = await fetch(`${emu.apiUrl}/v10/channels/${guild.channels.other}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${emu.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x' }),
    });
    expect(other.status).toBe(200);
  });

  it('refuses past the global requests per second with scope global', async () => {
    const clock = new FakeClock();
    const { post } = await start({ clock, limits: { globalPerSecond: 3 } });
    for (const text of ['a', 'b', 'c']) expect((await post(text)).status).toBe(200);
    const refused = await post('d');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-scope')).toBe('global');
    expect(refused.headers.get('x-ratelimit-global')).toBe('true');
    expect(((await refused.json()) as { global: boolean }).global).toBe(true);
    await clock.advance(1000);
    expect((await post('e')).status).toBe(200);
  });

  it('an injected 429 with retry_after is waited out by @discordjs/rest, which sends again', async () => {
    const { emu, channelId } = await start();
    emu.inject429({ scope: 'user', retryAfterSeconds: 0.2, count: 1, route: 'POST /channels/:id/messages' });
    const limited: { retryAfter: number; scope: string }[] = [];
    const rest = new REST({
      api: emu.apiUrl,
      offset: 0,
      rejectOnRateLimit: (info) => {
        limited.push({ retryAfter: info.retryAfter, scope: info.scope });
        return false;
      },
    }).setToken(emu.token);
    await rest.post(Routes.channelMessages(channelId), { body: { content: 'once' } });
    const posts = emu.server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    // Discord's Retry-After header is whole seconds, rounded up; the client waits that out before the second call.
    expect(limited).toEqual([{ retryAfter: 1000, scope: 'user' }]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(emu.messagesIn(channelId).map((m) => m.content)).toEqual(['once']);
    expect(emu.stats()).toMatchObject({ invalidRequests: 1, injected: 1, limited: { user: 1, global: 0, shared: 0 } });
  });

  it('counts 401, 403 and 429 as invalid, but not a shared-scope 429', async () => {
    const { emu, post } = await start({ clock: new FakeClock() });
    const guild = emu.createGuild({ roles: ['VIP'] });
    const userId = emu.memberJoins(guild.id);
    emu.moveRoleAboveBot(guild.id, guild.roles.VIP!);
    await fetch(`${emu.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    const forbidden = await fetch(`${emu.apiUrl}/v10/guilds/${guild.id}/members/${userId}/roles/${guild.roles.VIP}`, { method: 'PUT', headers: { authorization: `Bot ${emu.token}` } });
    expect(forbidden.status).toBe(403);
    emu.inject429({ scope: 'shared', retryAfterSeconds: 1, count: 1 });
    const shared = await post('a');
    expect(shared.status).toBe(429);
    expect(shared.headers.get('x-ratelimit-scope')).toBe('shared');
    expect(emu.stats().invalidRequests).toBe(2);
    emu.inject429({ scope: 'user', retryAfterSeconds: 1, count: 1 });
    expect((await post('b')).status).toBe(429);
    expect(emu.stats().invalidRequests).toBe(3);
  });

  it('forgets invalid requests older than 10 minutes', async () => {
    const clock = new FakeClock();
    const { emu } = await start({ clock });
    await fetch(`${emu.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    await clock.advance(9 * 60_000);
    expect(emu.stats().invalidRequests).toBe(1);
    await clock.advance(60_001);
    expect(emu.stats().invalidRequests).toBe(0);
  });

  it('answers a share of requests 429, spread evenly', async () => {
    const { emu, post } = await start({ clock: new FakeClock(), limits: { defaultRoute: { limit: 1000, windowMs: 1000 }, routes: { 'POST /channels/:id/messages': { limit: 1000, windowMs: 1000 } }, globalPerSecond: 1000 } });
    emu.inject429({ scope: 'user', retryAfterSeconds: 0.1, share: 0.25 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await post(String(i))).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses).toEqual([200, 200, 200, 429, 200, 200, 200, 429]);
  });
});
