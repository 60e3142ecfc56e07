// Slack down while a payment arrives: every Stripe webhook is answered at once, Telegram goes on serving in the same service, and the alert held by Slack is posted once when Slack answers again.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { alertsIn, installByOAuth, linkButtons, payAt, publishSignal, signals } from './testing/slack-journey';
import { newcomerAsksPlans, startSideTelegram } from './testing/side-telegram';
import { startSlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-outage-signing-secret';
/** Stripe counts an answer slower than this as a failed delivery (it waits longer; this test asks for 1 s). */
const WEBHOOK_TIMEOUT_MS = 1_000;
const TELEGRAM_USER = 4343;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

describe('a Slack outage while a payment arrives', () => {
  it('answers every Stripe webhook within 1 s while Slack refuses connections and then hangs, keeps Telegram answering, and expires the alert it held past its maximum age instead of posting it late', async () => {
    const { telegram, settings } = await startSideTelegram(running);
    const w = await startSlackServiceWorld(running, {
      signingSecret: SECRET, webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
      settings,
    });
    // Whatever happens in the test, the outage ends before the service stops.
    running.push(async () => {
      w.slack.clearFaults();
      await w.slack.resume();
    });
    const dana = w.ws.users.dana!;
    const alerts = w.ws.channels.alerts!;
    expect((await installByOAuth(w, w.ws.id, dana)).status).toBe(200);
    const { answer } = await signals(w, dana, `subscribe <#${alerts}|alerts>`);
    const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
    expect(checkout).toBeDefined();

    // Slack refuses connections while the payment's webhooks arrive.
    await w.slack.pause();
    expect(await payAt(checkout!)).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    const subscriptionId = [...w.stripe.store.subscriptions.keys()][0]!;
    expect(w.service.db.$client.prepare('SELECT status FROM subscriptions WHERE stripe_subscription_id = ?').pluck().get(subscriptionId)).toBe('active');

    // Slack listens again but hangs every Web API call; a renewal's webhooks arrive meanwhile.
    await w.slack.resume();
    w.slack.hang(undefined, { count: 10_000 });
    expect((await w.stripe.renewalSucceeds(subscriptionId)).status).toBe('active');
    await w.stripe.whenWebhooksDelivered();

    // Slack hanging holds nothing else: Telegram answers a newcomer, the ingest API takes a signal, the alert waits on Slack alone.
    expect(await newcomerAsksPlans(telegram, TELEGRAM_USER)).toContain('VIP');
    expect((await publishSignal(w, SECRET, { publisherId: 'slack-outage-1', symbol: 'SOLUSDT', market: 'crypto', side: 'short', conviction: 0.8, reasons: ['Lower high'] })).status).toBe(202);
    await until(() => w.slack.server.requests.some((r) => r.path === '/api/chat.postMessage'), 'the alert hanging on Slack');
    // Bo's free alert (15 minutes late) reaches Telegram while Slack hangs.
    await w.clock.advance(15 * 60_000);
    await until(() => telegram.sentMessages(TELEGRAM_USER).find((m) => m.text?.includes('SOLUSDT')), 'the alert on Telegram while Slack hangs');

    // Every webhook of the payment and the renewal was answered 200 within the timeout.
    const attempts = w.stripe.webhooks.attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.filter((a) => a.status !== 200)).toEqual([]);
    expect(alertsIn(w, alerts, 'SOLUSDT')).toEqual([]);

    // Slack answers again, but the alert waited past its maximum age (15 minutes): it expires, is counted, and is never posted late.
    w.slack.clearFaults();
    const expired = () => w.service.db.$client.prepare(`SELECT count(*) FROM deliveries d JOIN destinations t ON t.ref = d.destination_ref
      WHERE d.kind = 'alert' AND d.state = 'expired' AND t.platform = 'slack'`).pluck().get() as number;
    await until(async () => {
      await w.clock.advance(5_000);
      return expired() > 0;
    }, 'the alert held past its maximum age expired', { timeoutMs: 40_000 });
    await w.service.dispatcher.idle();
    for (let i = 0; i < 3; i += 1) await w.clock.advance(60_000);
    await w.service.dispatcher.idle();
    expect(alertsIn(w, alerts, 'SOLUSDT')).toEqual([]);
    expect(w.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === alerts && c.ok)).toEqual([]);
    expect((await w.service.app.inject('/metrics')).body).toContain(`signalcast_deliveries_expired_total{platform="slack"} ${expired()}`);
  }, 60_000);
});
