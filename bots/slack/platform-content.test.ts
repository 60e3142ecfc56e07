// Issue 11's content on Slack with @slack/web-api against the emulator: rationales and updates in the alert's thread,
// the parent's Status edited (best effort), the snapshot's chart uploaded as filesUploadV2 does and shared with its text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import type { Recipient, Signal, SignalUpdate } from '../../core/types';
import { tinyPng } from '../../sandbox/telegram/test-client';
import { readable, startSlackWorld, type SlackWorld } from './contract.fixtures';
import { SlackPlatform } from './platform';

const signal: Signal = {
  id: 's1', publisherId: 'p1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.83, band: 'A', reasons: ['Breakout'],
  entry: 42000, createdAt: new Date(Date.UTC(2026, 0, 5)),
};
const update = (fields: Partial<SignalUpdate> = {}): SignalUpdate => ({ id: 'u1', signalId: 's1', kind: 'target_hit', targetIndex: 1, price: 43000, resultPct: 2.38, createdAt: new Date(0), ...fields });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Slack content', () => {
  let w: SlackWorld;
  let platform: SlackPlatform;
  let to: Recipient;
  const logs: LogRecord[] = [];
  beforeEach(async () => {
    logs.length = 0;
    w = await startSlackWorld();
    platform = new SlackPlatform(w.workspaces, { logger: recordingLogger(logs) });
    to = { platform: 'slack', tenant: w.ws.id, chatId: w.ws.channels.alerts! };
  });
  afterEach(async () => w.stop());

  it("puts a structured rationale in the alert's thread: the summary, Drivers and Risks, the disclaimer as a context block", async () => {
    const { messageId } = await platform.send(to, { kind: 'alert', signal });
    await platform.send(to, {
      kind: 'rationale', signal, text: 'plain', replyToMessageId: messageId, disclaimer: 'Not financial advice.',
      rationale: { summary: 'Momentum <builds>', drivers: ['Volume', 'Funding'], risks: ['Macro data'] },
    });
    const [reply] = w.emulator.threadOf(to.chatId, messageId);
    expect((reply!.blocks as { type: string }[]).map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    expect(readable(reply!)).toBe('Momentum <builds>\nDrivers\n• Volume\n• Funding\nRisks\n• Macro data\nNot financial advice.');
    expect(reply!.text).toBe('Momentum &lt;builds&gt;\n\nDrivers:\n- Volume\n- Funding\n\nRisks:\n- Macro data');
    expect(w.textsIn(to.chatId)).toHaveLength(1);
  });

  it("puts an update in the alert's thread, then edits the parent with a Status field", async () => {
    const { messageId } = await platform.send(to, { kind: 'alert', signal });
    const first = update();
    await platform.send(to, { kind: 'update', signal, update: first, updates: [first], replyToMessageId: messageId });
    const closed = update({ id: 'u2', kind: 'closed', targetIndex: undefined, price: 43500, resultPct: 3.57 });
    await platform.send(to, { kind: 'update', signal, update: closed, updates: [first, closed], replyToMessageId: messageId });
    expect(w.emulator.threadOf(to.chatId, messageId).map((m) => m.text)).toEqual(['BTCUSDT long: Target 1 hit at 43000 (+2.38%)', 'BTCUSDT long: Closed at 43500 (+3.57%)']);
    const [parent] = w.emulator.messagesIn(to.chatId);
    expect(parent!.edits).toHaveLength(2);
    expect(readable(parent!).split('\n')).toContain('Status: Closed at 43500 (+3.57%)');
    expect(w.emulator.callsTo('chat.update').map((c) => c.ok)).toEqual([true, true]);
  });

  it('counts an update as sent when the edit of its parent fails, and logs a warning', async () => {
    const { messageId } = await platform.send(to, { kind: 'alert', signal });
    w.emulator.failNext('chat.update', 'message_not_found');
    const u = update();
    const sent = await platform.send(to, { kind: 'update', signal, update: u, updates: [u], replyToMessageId: messageId });
    expect(w.emulator.threadOf(to.chatId, messageId).map((m) => m.ts)).toEqual([sent.messageId]);
    expect(w.emulator.messagesIn(to.chatId)[0]!.edits).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', msg: "the update went but the alert's status could not be edited" })]);
  });

  it('uploads a snapshot\'s chart (upload URL, bytes, completion) and shares it in the channel with its header, text and disclaimer', async () => {
    const png = tinyPng(800, 450);
    const sent = await platform.send(to, { kind: 'snapshot', title: 'Daily 6 Dec', text: '3 signals, 2 closed', chart: { png, width: 800, height: 450, alt: 'Cumulative result' }, disclaimer: 'Not advice.' });
    expect(w.emulator.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(w.emulator.callsTo('files.getUploadURLExternal')[0]!.params).toMatchObject({ filename: 'chart.png', length: String(png.length), alt_text: 'Cumulative result' });
    const file = w.emulator.file(sent.messageId)!;
    expect(file.data!.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(file.data!.equals(png)).toBe(true);
    const [message] = w.emulator.messagesIn(to.chatId);
    expect(message!.files).toEqual([{ id: sent.messageId, name: 'chart.png', title: 'Daily 6 Dec', mimetype: 'image/png', size: png.length, altText: 'Cumulative result' }]);
    expect(readable(message!)).toBe('Daily 6 Dec\n3 signals, 2 closed\nNot advice.');
  });

  it('refuses a snapshot where the bot is not in the channel as permanent, and without files:write as the scope it misses', async () => {
    const chart = { png: tinyPng(10, 10), width: 10, height: 10, alt: 'c' };
    const lobby = { ...to, chatId: w.ws.channels.lobby! };
    await expect(platform.send(lobby, { kind: 'snapshot', title: 'Daily', text: 't', chart })).rejects.toMatchObject({ kind: 'permanent', reason: 'forbidden', platformCode: 'not_in_channel' });
    const other = w.emulator.createWorkspace({ name: 'Narrow', users: [{ name: 'o', isOwner: true }], channels: [{ name: 'lobby' }] });
    const narrow = w.emulator.installApp(other.id, { installerId: other.users.o!, scopes: ['chat:write'] });
    const res = await fetch(`${w.emulator.apiUrl}files.getUploadURLExternal`, { method: 'POST', headers: { authorization: `Bearer ${narrow.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.png', length: 3 }) });
    expect(await res.json()).toMatchObject({ ok: false, error: 'missing_scope', needed: 'files:write' });
  });

  it('sends the snapshot as text, and says to reinstall, in a workspace that installed the app before it asked for files:write', async () => {
    w.emulator.failNext('files.getUploadURLExternal', 'missing_scope');
    const sent = await platform.send(to, { kind: 'snapshot', title: 'Daily', text: 'Two signals', chart: { png: tinyPng(10, 10), width: 10, height: 10, alt: 'c' }, disclaimer: 'Not advice.' });
    const [message] = w.emulator.messagesIn(to.chatId);
    expect(message).toMatchObject({ ts: sent.messageId });
    expect(message!.files).toBeUndefined();
    expect(readable(message!)).toBe('Daily\nTwo signals\nNot advice.');
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('reinstall the app') })]);
  });
});
