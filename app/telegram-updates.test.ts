// Signal updates on Telegram through the whole service: replies to the alert message, for exactly those who got it; a stop supersedes the alerts not sent yet.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { until } from '../core/testing/until';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { startServiceWorld, WORLD_OPERATOR, type ServiceWorld } from './testing/service-world';
import { says, settled, textOf } from './testing/telegram-talk';

const SECRET = 'updates-signing-secret-value';
const ADA = 4242;
const BO = 5151;
const DAN = 6161;
const MINUTE = 60_000;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** What the bot sent the user about the symbol (alerts and their updates), oldest first. */
/** What a person got about a symbol: its alert and updates (its rationale, "Why long …", has its own tests). */
const about = (w: ServiceWorld, user: number, symbol: string) => w.tg.sentMessages(user).filter((m) => textOf(m).includes(symbol) && !textOf(m).startsWith('Why '));
const replyIdOf = (m: Message | undefined) => (m && 'reply_to_message' in m ? m.reply_to_message?.message_id : undefined);
/** How many of the signal's alerts are in this state. */
const alertsIn = (w: ServiceWorld, signalId: string, state: string) => w.service.db.$client.prepare(`SELECT count(*) FROM deliveries
  WHERE kind = 'alert' AND state = ? AND content_ref = (SELECT ref FROM signals WHERE id = ?)`).pluck().get(state, signalId) as number;
const publisher = (w: ServiceWorld): Publisher => ({ url: w.url, secret: SECRET, now: () => w.clock.now() });

async function worldWithAdaOnPro(): Promise<ServiceWorld> {
  const w = await startServiceWorld(running, { signingSecret: SECRET });
  await says(w, ADA, '/start', 'ada');
  await says(w, WORLD_OPERATOR, '/start');
  expect(await says(w, WORLD_OPERATOR, '/grant @ada pro 30')).toMatch(/^Granted Pro to @ada/);
  return w;
}

describe('signal updates on Telegram', () => {
  it('reach those who got the alert as replies to it; a free subscriber whose delayed alert was still pending gets neither it nor the stop; a latecomer gets nothing', async () => {
    const w = await worldWithAdaOnPro();
    await says(w, BO, '/start', 'bo');
    const signal = await postSignal(publisher(w), 'upd-1', 'SOLUSDT');
    expect(signal.status).toBe(202);
    const [adaAlert] = await until(() => about(w, ADA, 'SOLUSDT').length === 1 && about(w, ADA, 'SOLUSDT'), 'Ada\'s alert');
    await says(w, DAN, '/start', 'dan');
    await settled(w);
    const sentAlerts = alertsIn(w, signal.id, 'sent');
    const delayedAlerts = alertsIn(w, signal.id, 'pending');
    // Bo and the operator are on the free plan: their alerts wait out its 15-minute delay.
    expect(delayedAlerts).toBeGreaterThanOrEqual(2);

    await w.clock.advance(MINUTE);
    const stop = await postUpdate(publisher(w), signal.id, { kind: 'stopped', price: 95, publisherUpdateId: 'stop-1' });
    // Planned for Ada and the plan channels that got the alert; the delayed alerts are superseded; not Dan.
    expect(stop).toMatchObject({ status: 202, body: { duplicate: false, planned: sentAlerts, superseded: delayedAlerts } });
    expect([alertsIn(w, signal.id, 'pending'), alertsIn(w, signal.id, 'superseded')]).toEqual([0, delayedAlerts]);
    const adaStop = await until(() => about(w, ADA, 'SOLUSDT')[1], 'Ada\'s stop');
    expect(textOf(adaStop)).toMatch(/^\[STOPPED\] SOLUSDT long\nStopped at 95/);
    expect(replyIdOf(adaStop)).toBe(adaAlert!.message_id);

    // Well past Bo's delay, the emulator got nothing for Bo: neither the alert nor the stop.
    await w.clock.advance(20 * MINUTE);
    await settled(w);
    await w.clock.advance(MINUTE);
    await settled(w);
    expect(about(w, BO, 'SOLUSDT')).toEqual([]);
    expect(w.tg.sentMessages(BO).filter((m) => textOf(m).includes('SOLUSDT'))).toEqual([]);

    // A replay of the same update id sends and supersedes nothing more; Dan, who came after the alert, got nothing of it.
    expect(await postUpdate(publisher(w), signal.id, { kind: 'stopped', price: 95, publisherUpdateId: 'stop-1' }))
      .toMatchObject({ body: { duplicate: true, planned: sentAlerts, superseded: delayedAlerts } });
    await w.clock.advance(MINUTE);
    await settled(w);
    expect([about(w, ADA, 'SOLUSDT').length, about(w, BO, 'SOLUSDT').length, about(w, DAN, 'SOLUSDT').length]).toEqual([2, 0, 0]);
    const metrics = (await w.service.app.inject('/metrics')).body;
    expect(metrics).toContain(`signalcast_deliveries_superseded_total{platform="telegram"} ${delayedAlerts}`);
  });

  it('sends a stop inside the subscriber\'s quiet hours at once, and holds a target hit until they end', async () => {
    const w = await worldWithAdaOnPro();
    const signal = await postSignal(publisher(w), 'upd-2', 'ADAUSDT');
    const [alert] = await until(() => about(w, ADA, 'ADAUSDT')[0] && about(w, ADA, 'ADAUSDT'), 'the alert');
    // The world's clock is at 09:00 UTC: quiet until 20:00.
    expect(await says(w, ADA, '/settings quiet 08:00-20:00 UTC', 'ada')).toMatch(/quiet/i);

    expect(await postUpdate(publisher(w), signal.id, { kind: 'target_hit', targetIndex: 1, price: 1.2 })).toMatchObject({ status: 202 });
    expect(await postUpdate(publisher(w), signal.id, { kind: 'stopped', price: 0.9 })).toMatchObject({ status: 202 });
    const stop = await until(() => about(w, ADA, 'ADAUSDT')[1], 'the stop');
    expect(textOf(stop)).toContain('Stopped at 0.9');
    expect(replyIdOf(stop)).toBe(alert!.message_id);
    await settled(w);
    expect(about(w, ADA, 'ADAUSDT')).toHaveLength(2);

    await w.clock.advance(11 * 60 * MINUTE);
    const hit = await until(() => about(w, ADA, 'ADAUSDT')[2], 'the target hit after the quiet hours');
    expect(textOf(hit)).toContain('Target 1 hit at 1.2');
    expect(replyIdOf(hit)).toBe(alert!.message_id);
  });
});
