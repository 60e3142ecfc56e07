// Issue 11's content on Discord with discord.js's REST against the emulator: rationales and updates as replies to
// the alert, the alert's status edited (best effort), snapshots as an embed with the chart uploaded as a file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import type { Recipient, Signal, SignalUpdate } from '../../core/types';
import { DiscordSpecChecker } from '../../sandbox/discord/openapi-check';
import { tinyPng } from '../../sandbox/telegram/test-client';
import { startDiscordWorld, type DiscordWorld } from './contract.fixtures';
import { DiscordPlatform, sendingRest } from './platform';

const signal: Signal = {
  id: 'sig_d', publisherId: 'pd', symbol: 'SOL_USDT', market: 'crypto', side: 'long', conviction: 0.8, band: 'A', reasons: ['Breakout'],
  entry: 100, targets: [110, 120], createdAt: new Date(Date.UTC(2026, 0, 5)),
};
const update = (fields: Partial<SignalUpdate> = {}): SignalUpdate => ({ id: 'u1', signalId: 'sig_d', kind: 'target_hit', targetIndex: 1, price: 110, resultPct: 10, createdAt: new Date(0), ...fields });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Discord content', () => {
  let world: DiscordWorld;
  let platform: DiscordPlatform;
  let to: Recipient;
  const logs: LogRecord[] = [];
  const spec = new DiscordSpecChecker();
  beforeEach(async () => {
    logs.length = 0;
    world = await startDiscordWorld();
    platform = new DiscordPlatform(sendingRest({ token: world.emulator.token, apiUrl: world.emulator.apiUrl }), { logger: recordingLogger(logs) });
    to = { platform: 'discord', chatId: world.guild.channels.alerts!, tenant: world.guild.id };
  });
  afterEach(async () => world.emulator.stop());

  it('sends a rationale as a reply to the alert: an embed with the summary, Drivers and Risks fields and the disclaimer as its footer', async () => {
    const alert = await platform.send(to, { kind: 'alert', signal });
    const sent = await platform.send(to, {
      kind: 'rationale', signal, text: 'plain', replyToMessageId: alert.messageId, disclaimer: 'Not financial advice.',
      rationale: { summary: 'Momentum *builds*', drivers: ['Volume', 'Funding'], risks: ['Macro data'] },
    });
    const reply = world.emulator.messagesIn(to.chatId).find((m) => m.id === sent.messageId)!;
    expect(reply.type).toBe(19);
    expect(reply.message_reference).toMatchObject({ message_id: alert.messageId, channel_id: to.chatId, guild_id: world.guild.id });
    const [embed] = reply.embeds;
    expect(embed).toMatchObject({ title: 'Why LONG SOL\\_USDT', description: 'Momentum \\*builds\\*', footer: { text: 'Not financial advice.' } });
    expect(embed?.fields).toEqual([{ name: 'Drivers', value: '• Volume\n• Funding', inline: false }, { name: 'Risks', value: '• Macro data', inline: false }]);
    expect(spec.check('MessageResponse', reply)).toEqual([]);
  });

  it('sends an update as a reply, then edits the alert\'s embed to show its Status', async () => {
    const alert = await platform.send(to, { kind: 'alert', signal });
    const first = update();
    await platform.send(to, { kind: 'update', signal, update: first, updates: [first], replyToMessageId: alert.messageId });
    const stop = update({ id: 'u2', kind: 'stopped', targetIndex: undefined, price: 105, resultPct: 5 });
    await platform.send(to, { kind: 'update', signal, update: stop, updates: [first, stop], replyToMessageId: alert.messageId });
    const [edited, reply1, reply2] = world.emulator.messagesIn(to.chatId);
    expect([reply1?.message_reference?.message_id, reply2?.message_reference?.message_id]).toEqual([alert.messageId, alert.messageId]);
    expect(reply2?.content).toBe('SOL\\_USDT long: Stopped at 105 (+5.00%)');
    expect(edited?.edited_timestamp).not.toBeNull();
    expect(edited?.embeds[0]?.fields?.[0]).toEqual({ name: 'Status', value: 'Stopped at 105 (+5.00%)', inline: true });
    expect(edited?.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Status', 'Conviction', 'Entry', 'Targets']);
    expect(world.emulator.server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('counts an update as sent when the edit of its alert fails, and logs a warning', async () => {
    const alert = await platform.send(to, { kind: 'alert', signal });
    world.emulator.server.failNext({ kind: 'server_error', status: 500 }, { match: (req) => req.method === 'PATCH' });
    const u = update();
    const sent = await platform.send(to, { kind: 'update', signal, update: u, updates: [u], replyToMessageId: alert.messageId });
    expect(world.emulator.messagesIn(to.chatId).map((m) => m.id)).toEqual([alert.messageId, sent.messageId]);
    expect(world.emulator.messagesIn(to.chatId)[0]?.edited_timestamp).toBeNull();
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', msg: "the update went but the alert's status could not be edited" })]);
  });

  it('sends a rationale unthreaded when its alert is gone, rather than failing', async () => {
    const sent = await platform.send(to, { kind: 'rationale', signal, text: 'Because', replyToMessageId: '123456789012345678' });
    const message = world.emulator.messagesIn(to.chatId).find((m) => m.id === sent.messageId);
    expect(message?.type).toBe(0);
    expect(message?.message_reference).toBeUndefined();
  });

  it('sends a snapshot as an embed whose image is the chart uploaded as chart.png, with the disclaimer as its footer', async () => {
    const png = tinyPng(800, 450);
    await platform.send(to, { kind: 'snapshot', title: 'Daily 6 Dec', text: '3 signals, 2 closed', chart: { png, width: 800, height: 450, alt: 'Cumulative result' }, disclaimer: 'Not advice.' });
    const request = world.emulator.server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data/);
    const [message] = world.emulator.messagesIn(to.chatId);
    const [attachment] = message!.attachments;
    expect(attachment).toMatchObject({ filename: 'chart.png', content_type: 'image/png', size: png.length, width: 800, height: 450, description: 'Cumulative result' });
    const bytes = world.emulator.attachmentBytes(attachment!.id)!;
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(bytes.equals(png)).toBe(true);
    expect(message!.embeds[0]).toMatchObject({ title: 'Daily 6 Dec', description: '3 signals, 2 closed', image: { url: attachment!.url, width: 800, height: 450 }, footer: { text: 'Not advice.' } });
    expect(spec.check('MessageResponse', message)).toEqual([]);
  });
});
