// The track record through the real wiring: signals and updates posted to the API, then /track on Telegram and GET /v1/track-record.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { until } from '../core/testing/until';
import type { TrackRecord } from '../core/track-record/types';
import { signBody, signRequest } from '../server/signature';
import { runDiscordCommand, startDiscordServiceWorld } from './testing/discord-world';
import { startServiceWorld } from './testing/service-world';

const SECRET = 'track-signing-secret-value';
const USER = 5151;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

describe('the track record in the running service', () => {
  it('is what /track answers on Telegram and GET /v1/track-record returns, from signals and updates posted to the API', async () => {
    const w = await startServiceWorld(running, { signingSecret: SECRET });
    const post = async (path: string, payload: unknown, v1 = false) => {
      const body = JSON.stringify(payload);
      const signature = v1 ? signBody(SECRET, body, w.clock.now()) : signRequest(SECRET, { method: 'POST', path, rawBody: body }, w.clock.now());
      const res = await fetch(`${w.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signature }, body });
      expect(res.status).toBe(202);
    };
    await post('/v1/signals', { publisherId: 'win', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout'] }, true);
    await post('/v1/signals/by-publisher-id/win/updates', { kind: 'closed', resultPct: 6 });
    await post('/v1/signals', { publisherId: 'loss', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.7, entry: 100, reasons: ['Rejection'] }, true);
    await post('/v1/signals/by-publisher-id/loss/updates', { kind: 'stopped', price: 102 });

    const before = w.tg.sentMessages(USER).length;
    w.tg.userSends(USER, '/track', { profile: { firstName: 'Ada', username: 'ada' } });
    const answer = await until(() => w.tg.sentMessages(USER).slice(before).find((m: Message) => 'text' in m && m.text?.startsWith('Track record')), 'the answer to /track');
    expect('text' in answer && answer.text?.split('\n')).toEqual([
      'Track record (results of published signals, from their updates):',
      'Last 30 days: 2 signals, 2 with a result: 1 win (50%), average +2.0%, total +4.0%',
      '  Band A: 1 signal, 1 with a result: 1 win (100%), average +6.0%, total +6.0%',
      '  Band B: 1 signal, 1 with a result: 0 wins (0%), average -2.0%, total -2.0%',
      'All time: 2 signals, 2 with a result: 1 win (50%), average +2.0%, total +4.0%',
      '  Band A: 1 signal, 1 with a result: 1 win (100%), average +6.0%, total +6.0%',
      '  Band B: 1 signal, 1 with a result: 0 wins (0%), average -2.0%, total -2.0%',
    ]);

    const path = '/v1/track-record?window=all';
    expect((await fetch(`${w.url}${path}`)).status).toBe(401);
    const res = await fetch(`${w.url}${path}`, { headers: { 'x-signalcast-signature': signRequest(SECRET, { method: 'GET', path, rawBody: '' }, w.clock.now()) } });
    expect(res.status).toBe(200);
    const record = await res.json() as TrackRecord;
    expect(record.windows.all.all).toEqual({ count: 2, open: 0, scored: 2, wins: 1, hitRate: 0.5, averagePct: 2, cumulativePct: 4 });
  });

  it('is the slash command /track on Discord, answered privately', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    await until(() => (w.discord.state.globalCommands.length > 0 ? true : undefined), 'the slash commands');
    expect(w.discord.state.globalCommands.map((c) => c.name)).toContain('track');
    const member = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const reply = await runDiscordCommand(w, member, 'track');
    expect(reply.content?.split('\n')).toEqual([
      'Track record (results of published signals, from their updates):', 'Last 30 days: no signals', 'All time: no signals',
    ]);
    expect(reply.flags! & 64).toBe(64);
  });
});
