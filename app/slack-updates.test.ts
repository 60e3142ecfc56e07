// Signal updates on Slack through the whole service: a message in the alert's thread (thread_ts), only in the channels that got the alert.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { alertsIn, installByOAuth, linkButtons, payAt, readable, signals } from './testing/slack-journey';
import { startSlackServiceWorld, type SlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-updates-signing-secret';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const channelRef = (w: SlackServiceWorld, name: string) => `<#${w.ws.channels[name]}|${name}>`;
/** The replies in a message's thread. */
const threadOf = (w: SlackServiceWorld, channel: string, ts: string) => w.slack.messagesIn(channel).filter((m) => m.threadTs === ts && m.ts !== ts);
/** Everything the app posted in the channel about the symbol, thread replies included. */
const allAbout = (w: SlackServiceWorld, channel: string, symbol: string) => w.slack.messagesIn(channel).filter((m) => m.text.includes(symbol));

describe('signal updates on Slack', () => {
  it('posts an update in the alert\'s thread in the channel that got the alert, and nothing in a channel subscribed after it', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    const dana = w.ws.users.dana!;
    const alerts = w.ws.channels.alerts!;
    const research = w.ws.channels.research!;
    expect((await installByOAuth(w, w.ws.id, dana)).status).toBe(200);
    const { answer } = await signals(w, dana, `subscribe ${channelRef(w, 'alerts')}`);
    const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
    if (!checkout) throw new Error(`no checkout link in: ${readable(answer)}`);
    expect(await payAt(checkout)).toBe(303);
    await w.stripe.whenWebhooksDelivered();

    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    const signal = await postSignal(publisher, 'slack-upd-1', 'AVAXUSDT');
    expect(signal.status).toBe(202);
    const [alert] = await until(() => alertsIn(w, alerts, 'AVAXUSDT').length > 0 && alertsIn(w, alerts, 'AVAXUSDT'), 'the alert in #alerts');
    // #research joins after the alert went out: it never got it.
    await signals(w, dana, `subscribe ${channelRef(w, 'research')}`);

    const hit = await postUpdate(publisher, signal.id, { kind: 'target_hit', targetIndex: 1, price: 41.2, resultPct: 3.1 });
    expect(hit).toMatchObject({ status: 202, body: { duplicate: false, planned: 1 } });
    const [reply] = await until(() => threadOf(w, alerts, alert!.ts).length > 0 && threadOf(w, alerts, alert!.ts), 'the update in the alert\'s thread');
    expect(reply!.text).toContain('AVAXUSDT long: Target 1 hit at 41.2 (+3.10%)');
    const post = w.slack.callsTo('chat.postMessage').find((c) => c.ok && String(c.params.text ?? '').includes('Target 1 hit'));
    expect(post?.params).toMatchObject({ channel: alerts, thread_ts: alert!.ts });

    w.service.dispatcher.poke();
    await w.service.dispatcher.idle();
    expect(allAbout(w, research, 'AVAXUSDT')).toEqual([]);
    expect(allAbout(w, alerts, 'AVAXUSDT')).toHaveLength(2);
  });
});
