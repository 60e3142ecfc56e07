import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { DeliveryError } from '../../core/errors';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import type { Signal } from '../../core/types';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';
import { tinyPng } from '../../sandbox/telegram/test-client';
import { TelegramPlatform } from './platform';

const signal: Signal = {
  id: 'sig_9', publisherId: 'p9', symbol: 'BTC_USD<&>', market: 'crypto', side: 'long', conviction: 0.9, band: 'A',
  reasons: ['Range <break> & retest'], createdAt: new Date(0),
};

describe('Telegram platform', () => {
  let emu: TelegramEmulator;
  let platform: TelegramPlatform;
  let clock: FakeClock;
  const logs: LogRecord[] = [];

  beforeEach(async () => {
    logs.length = 0;
    clock = new FakeClock();
    emu = await startTelegramEmulator({ clock });
    for (const id of [1, 2, 3, 4, 5]) emu.addUser(id, { startedBot: true });
    platform = new TelegramPlatform({ api: new Api(emu.token, { apiRoot: emu.apiRoot }), logger: recordingLogger(logs), sleep: (ms) => clock.advance(ms) });
  });
  afterEach(async () => emu.stop());

  it('sends an alert as HTML in one call, bold where we meant it and nowhere else', async () => {
    const result = await platform.send({ platform: 'telegram', chatId: '1' }, { kind: 'alert', signal });
    const [message] = emu.sentMessages(1);
    expect(result).toEqual({ messageId: String(message?.message_id) });
    expect(emu.calls('sendMessage')).toHaveLength(1);
    expect(emu.calls('sendMessage')[0]?.body).toMatchObject({ chat_id: 1, parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(message?.text).toContain('LONG BTC_USD<&>');
    expect(message?.text).toContain('• Range <break> & retest');
    expect(message?.entities?.map((e) => e.type)).toEqual(['bold', 'code']);
  });

  it('sends a paid plan\'s alert with protect_content, so it cannot be forwarded, and a free one without', async () => {
    const api = new Api(emu.token, { apiRoot: emu.apiRoot });
    await platform.send({ platform: 'telegram', chatId: '1' }, { kind: 'alert', signal, protectContent: true });
    await platform.send({ platform: 'telegram', chatId: '2' }, { kind: 'alert', signal });
    expect(emu.calls('sendMessage').map((c) => (c.body as { protect_content?: boolean }).protect_content)).toEqual([true, undefined]);
    const [paid] = emu.sentMessages(1);
    const [free] = emu.sentMessages(2);
    expect(paid?.has_protected_content).toBe(true);
    expect(free?.has_protected_content).toBeUndefined();
    await expect(api.forwardMessage(3, 1, paid!.message_id)).rejects.toMatchObject({ error_code: 400, description: "Bad Request: message can't be forwarded" });
    expect((await api.forwardMessage(3, 2, free!.message_id)).text).toContain('LONG BTC_USD<&>');
  });

  it("sends the alert again as plain text when Telegram still answers can't parse entities", async () => {
    emu.failNext({ kind: 'platform_error', status: 400, description: "Bad Request: can't parse entities: Unexpected end tag at byte offset 12" }, { method: 'sendMessage' });
    await platform.send({ platform: 'telegram', chatId: '2' }, { kind: 'alert', signal });
    const calls = emu.calls('sendMessage');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).not.toHaveProperty('parse_mode');
    expect(emu.sentMessages(2)[0]?.text).toContain('LONG BTC_USD<&>');
    expect(emu.sentMessages(2)[0]?.entities).toBeUndefined();
    expect(logs).toEqual([expect.objectContaining({ msg: 'Telegram refused the HTML; sending as plain text' })]);
  });

  it('sends a snapshot with an image as a photo with its caption, and a notice with its link buttons', async () => {
    await platform.send({ platform: 'telegram', chatId: '4' }, { kind: 'snapshot', title: 'Daily <3>', text: '2 signals & 1 close', chart: { png: tinyPng(320, 200), width: 320, height: 200, alt: 'chart' } });
    const [photo] = emu.sentMessages(4);
    expect(photo?.caption).toBe('Daily <3>\n\n2 signals & 1 close');
    expect(photo?.photo?.at(-1)).toMatchObject({ width: 320, height: 200 });
    expect(emu.calls('sendPhoto')[0]?.headers['content-type']).toMatch(/^multipart\/form-data/);
    await platform.send({ platform: 'telegram', chatId: '5' }, { kind: 'notice', text: 'Pay', buttons: [{ label: 'Checkout', url: 'http://127.0.0.1:1/c' }] });
    expect(emu.sentMessages(5)[0]?.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Checkout', url: 'http://127.0.0.1:1/c' }]] });
  });

  it('sends the rationale as a reply to the alert', async () => {
    const alert = await platform.send({ platform: 'telegram', chatId: '3' }, { kind: 'alert', signal });
    // A second message in the same second would break Telegram's 1/s per chat.
    await clock.advance(1_000);
    await platform.send({ platform: 'telegram', chatId: '3' }, { kind: 'rationale', signal, text: 'Because <momentum>', replyToMessageId: alert.messageId });
    const [, rationale] = emu.sentMessages(3);
    expect(rationale?.reply_to_message?.message_id).toBe(Number(alert.messageId));
    expect(rationale?.text).toBe('Why long BTC_USD<&>\nBecause <momentum>');
  });

  it('threads a structured rationale and an update on the alert with reply_parameters, the disclaimer in italics last', async () => {
    const alert = await platform.send({ platform: 'telegram', chatId: '3' }, { kind: 'alert', signal });
    await clock.advance(1_000);
    await platform.send({ platform: 'telegram', chatId: '3' }, {
      kind: 'rationale', signal, text: 'plain', replyToMessageId: alert.messageId, disclaimer: 'Not financial advice.',
      rationale: { summary: 'Momentum', drivers: ['Volume'], risks: ['Macro <data>'] },
    });
    await clock.advance(1_000);
    const update = { id: 'u1', signalId: signal.id, kind: 'target_hit' as const, targetIndex: 1, price: 110, resultPct: 10, createdAt: new Date(0) };
    await platform.send({ platform: 'telegram', chatId: '3' }, { kind: 'update', signal, update, updates: [update], replyToMessageId: alert.messageId });
    const [, rationale, announced] = emu.sentMessages(3);
    expect(emu.calls('sendMessage')[1]?.body).toMatchObject({ reply_parameters: { message_id: Number(alert.messageId), allow_sending_without_reply: true } });
    expect(rationale?.reply_to_message?.message_id).toBe(Number(alert.messageId));
    expect(rationale?.text).toBe('Why long BTC_USD<&>\nMomentum\n\nDrivers\n• Volume\n\nRisks\n• Macro <data>\n\nNot financial advice.');
    expect(rationale?.entities?.at(-1)).toMatchObject({ type: 'italic', length: 'Not financial advice.'.length });
    expect(announced?.reply_to_message?.message_id).toBe(Number(alert.messageId));
    expect(announced?.text).toBe('[TARGET HIT] BTC_USD<&> long\nTarget 1 hit at 110 (+10.00%)');
  });

  it('still sends a rationale whose alert is gone (an admin deleted it), unthreaded', async () => {
    const sent = await platform.send({ platform: 'telegram', chatId: '2' }, { kind: 'rationale', signal, text: 'Because', replyToMessageId: '999999' });
    const [message] = emu.sentMessages(2);
    expect(String(message?.message_id)).toBe(sent.messageId);
    expect(message?.reply_to_message).toBeUndefined();
  });

  it('sends a long snapshot as its photo, then its whole text as a reply to the photo, waiting out the chat\'s one message a second', async () => {
    const text = Array.from({ length: 120 }, (_, i) => `Signal ${i}: +1.00%`).join('\n');
    const chart = { png: tinyPng(640, 400), width: 640, height: 400, alt: 'chart' };
    const sent = await platform.send({ platform: 'telegram', chatId: '4' }, { kind: 'snapshot', title: 'Daily <6 Dec>', text, chart, disclaimer: 'Not advice.' });
    const [photo, follow] = emu.sentMessages(4);
    expect(String(photo?.message_id)).toBe(sent.messageId);
    expect(photo?.caption).toBe('Daily <6 Dec>');
    expect(photo?.photo?.at(-1)).toMatchObject({ width: 640, height: 400 });
    const upload = emu.calls('sendPhoto')[0]!;
    expect(upload.rawBody.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(follow?.reply_to_message?.message_id).toBe(photo?.message_id);
    expect(follow?.text).toBe(`Daily <6 Dec>\n\n${text}\n\nNot advice.`);
    expect(follow!.text!.length).toBeLessThanOrEqual(4096);
    expect(emu.stats.rateLimited).toBe(1);
  });

  it('counts a long snapshot as sent when its photo went and its text failed, and logs a warning', async () => {
    emu.failNext({ kind: 'server_error', status: 500 }, { method: 'sendMessage' });
    const chart = { png: tinyPng(64, 40), width: 64, height: 40, alt: 'chart' };
    const sent = await platform.send({ platform: 'telegram', chatId: '5' }, { kind: 'snapshot', title: 'Daily', text: 'w'.repeat(3000), chart });
    expect(emu.sentMessages(5).map((m) => String(m.message_id))).toEqual([sent.messageId]);
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', msg: "the snapshot's photo went but its text did not; not sent again" })]);
  });

  it('refuses a recipient of another platform as permanent', async () => {
    const err = await platform.send({ platform: 'testchat', chatId: '1' }, { kind: 'alert', signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'permanent', reason: 'bad_request' });
  });

  it('reports a connection that breaks, or an emulator that is gone, as temporary without the token', async () => {
    emu.failNext({ kind: 'hang', ms: 5 }, { method: 'sendMessage' });
    const broken = await platform.send({ platform: 'telegram', chatId: '1' }, { kind: 'alert', signal }).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(DeliveryError);
    expect(broken).toMatchObject({ kind: 'temporary', platformCode: 'network' });
    await emu.stop();
    const gone = await platform.send({ platform: 'telegram', chatId: '1' }, { kind: 'alert', signal }).catch((e: unknown) => e) as DeliveryError;
    expect(gone).toMatchObject({ kind: 'temporary', message: 'network error: ECONNREFUSED' });
    const secret = emu.token.split(':')[1] as string;
    expect(JSON.stringify({ m: gone.message, s: gone.stack, c: String(gone.cause) })).not.toContain(secret);
  });
});
