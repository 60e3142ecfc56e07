// The quiet-hours digest on Telegram through the whole service: alerts published at night wait, then arrive as one message at the end of the quiet hours, and updates thread on it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { until } from '../core/testing/until';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { startServiceWorld, WORLD_OPERATOR, type ServiceWorld } from './testing/service-world';
import { says, settled, textOf } from './testing/telegram-talk';

const SECRET = 'digest-signing-secret-value';
const ADA = 4343;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const replyIdOf = (m: Message | undefined) => (m && 'reply_to_message' in m ? m.reply_to_message?.message_id : undefined);
const publisher = (w: ServiceWorld): Publisher => ({ url: w.url, secret: SECRET, now: () => w.clock.now() });
/** What Ada got since `from` about the night's signals (alerts, the digest, updates; not their rationales, "Why …"). */
const aboutTheNight = (w: ServiceWorld, from: number) => w.tg.sentMessages(ADA).slice(from)
  .filter((m) => SYMBOLS.some((s) => textOf(m).includes(s)) && !textOf(m).startsWith('Why '));

describe('the quiet-hours digest on Telegram', () => {
  it('holds three alerts published at night and sends them at 07:00 as one message, on which a later target hit is a reply', async () => {
    const w = await startServiceWorld(running, { signingSecret: SECRET });
    await says(w, ADA, '/start', 'ada');
    await says(w, WORLD_OPERATOR, '/start');
    expect(await says(w, WORLD_OPERATOR, '/grant @ada pro 30')).toMatch(/^Granted Pro to @ada/);
    expect(await says(w, ADA, '/settings quiet 23:00-07:00 UTC', 'ada')).toMatch(/quiet/i);
    const from = w.tg.sentMessages(ADA).length;

    // The world starts at 09:00 UTC: 23:30, 00:30 and 01:30 are inside Ada's quiet hours.
    await w.clock.advance(14 * HOUR + 30 * MINUTE);
    const published = [];
    for (const symbol of SYMBOLS) {
      const signal = await postSignal(publisher(w), `night-${symbol}`, symbol);
      expect(signal.status).toBe(202);
      published.push(signal);
      await settled(w);
      // The operator's free plan sends 15 minutes late; within the 15 minutes its alerts may be late by.
      await w.clock.advance(16 * MINUTE);
      await settled(w);
      await w.clock.advance(HOUR - 16 * MINUTE);
    }
    // 02:30, then 06:59: nothing yet, though the operator (no quiet hours) got each alert at once.
    await settled(w);
    await w.clock.advance(4 * HOUR + 29 * MINUTE);
    await settled(w);
    expect(aboutTheNight(w, from)).toEqual([]);
    expect(w.tg.sentMessages(WORLD_OPERATOR).filter((m) => SYMBOLS.some((s) => textOf(m).includes(s)) && !textOf(m).startsWith('Why '))).toHaveLength(3);

    // 07:00: one message lists the three, oldest first, each still open.
    await w.clock.advance(MINUTE);
    const [digest] = await until(() => aboutTheNight(w, from).length > 0 && aboutTheNight(w, from), 'the digest');
    expect(textOf(digest!).split('\n')).toEqual([
      'While quiet hours were on: 3 alerts',
      expect.stringMatching(/^• BTCUSDT long \([ABC]\): Open$/),
      expect.stringMatching(/^• ETHUSDT long \([ABC]\): Open$/),
      expect.stringMatching(/^• SOLUSDT long \([ABC]\): Open$/),
    ]);
    expect(digest!.entities?.[0]).toMatchObject({ type: 'bold', offset: 0, length: 'While quiet hours were on: 3 alerts'.length });
    await w.clock.advance(MINUTE);
    await settled(w);
    expect(aboutTheNight(w, from)).toEqual([digest]);
    // The held alerts went with it: sent, with its message id.
    const alerts = w.service.db.$client.prepare(`SELECT d.state, d.platform_message_id FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref
      WHERE d.kind = 'alert' AND dest.address LIKE ? ORDER BY d.content_ref`).all(`%"chatId":"${ADA}"%`);
    expect(alerts).toEqual(SYMBOLS.map(() => ({ state: 'sent', platform_message_id: String(digest!.message_id) })));

    // A target hit on ETH: a reply to the digest, the only alert Ada saw of it.
    expect(await postUpdate(publisher(w), published[1]!.id, { kind: 'target_hit', targetIndex: 1, price: 3400 })).toMatchObject({ status: 202 });
    const hit = await until(() => aboutTheNight(w, from).find((m) => textOf(m).includes('Target 1 hit at 3400')), 'the target hit');
    expect(textOf(hit)).toContain('ETHUSDT');
    expect(replyIdOf(hit)).toBe(digest!.message_id);
  });
});
