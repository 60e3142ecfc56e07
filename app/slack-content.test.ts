// Issue 11's content through the whole service on Slack (OAuth): a paid workspace's #alerts gets the alert, its rationale
// (one model call, through the real openai client against the OpenAI emulator) and an update in the alert's thread, the
// alert edited with its status, the daily snapshot's chart uploaded as filesUploadV2 does it, and /signals track; a
// workspace installed without files:write gets the snapshot as text.
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../bots/slack/scopes';
import { until } from '../core/testing/until';
import type { SlackMessage } from '../sandbox/slack';
import { imageSize } from '../sandbox/telegram/image-size';
import { PNG_SIGNATURE, rationaleOf, signalRationale } from './testing/content-checks';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { alertsIn, installByOAuth, linkButtons, payAt, readable, signals } from './testing/slack-journey';
import { startSlackServiceWorld, type SlackServiceWorld } from './testing/slack-world';
import { useOpenAIEmulator } from './testing/model-world';

const SECRET = 'slack-content-signing-secret';
const DISCLAIMER = 'Not financial advice. Past results do not promise future ones.';

const running: (() => Promise<void>)[] = [];
const model = useOpenAIEmulator(running);

const settings = (retries = 0) => model.settings({ retries, disclaimer: DISCLAIMER });
const channelRef = (w: SlackServiceWorld, name: string) => `<#${w.ws.channels[name]}|${name}>`;
/** The replies in a message's thread, oldest first. A reply released while its alert is on its way waits a second of the service's clock, so each look moves it a second. */
const threadOf = (w: SlackServiceWorld, channel: string, ts: string, count: number) => until(async () => {
  const replies = w.slack.messagesIn(channel).filter((m) => m.threadTs === ts && m.ts !== ts);
  if (replies.length >= count) return replies;
  await w.clock.advance(1_000);
  return undefined;
}, `${count} replies in the thread of ${ts}`);
/** The blocks of a message as the emulator keeps them. */
const blocksOf = (m: Pick<SlackMessage, 'blocks'>) => (m.blocks ?? []) as { type: string; text?: { text?: string }; elements?: { text?: string }[] }[];
/** The day's snapshot message in the channel, once it came. */
const snapshotIn = (w: SlackServiceWorld, channel: string) => until(() => w.slack.messagesIn(channel).find((m) => readable(m).startsWith('Daily snapshot') || m.text.startsWith('Daily snapshot')), `the snapshot in ${channel}`);

/** dana installs the app by OAuth (granting `scopes` when given), subscribes #alerts to Enterprise and pays; resolves once Stripe's webhooks are answered. */
async function paidWorkspace(w: SlackServiceWorld, scopes?: readonly string[]): Promise<void> {
  const dana = w.ws.users.dana!;
  expect((await installByOAuth(w, w.ws.id, dana, scopes)).status).toBe(200);
  const { answer } = await signals(w, dana, `subscribe ${channelRef(w, 'alerts')}`);
  const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
  if (!checkout) throw new Error(`no checkout link in: ${readable(answer)}`);
  expect(await payAt(checkout)).toBe(303);
  await w.stripe.whenWebhooksDelivered();
}

describe('issue 11 content through the service on Slack', () => {
  it('threads the rationale and an update on the alert in #alerts, marks the alert\'s status, uploads the snapshot\'s chart with its text, and answers /signals track', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, settings: settings() });
    await paidWorkspace(w);
    const alerts = w.ws.channels.alerts!;
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };

    const signal = await postSignal(publisher, 'slack-content-1', 'NEARUSDT');
    expect(signal.status).toBe(202);
    const [alert] = await until(() => alertsIn(w, alerts, 'NEARUSDT').length > 0 && alertsIn(w, alerts, 'NEARUSDT'), 'the alert in #alerts');
    const [rationale] = await threadOf(w, alerts, alert!.ts, 1);
    // The rationale in the alert's thread: the summary, Drivers, Risks, the disclaimer as a context block last.
    const written = rationaleOf(w.service.db, signal.id);
    const blocks = blocksOf(rationale!);
    expect(blocks[0]).toMatchObject({ type: 'section', text: { text: written.summary } });
    expect(blocks.map((b) => b.text?.text?.split('\n')[0])).toEqual(expect.arrayContaining(['Drivers', 'Risks']));
    expect(blocks.at(-1)).toMatchObject({ type: 'context', elements: [{ text: DISCLAIMER }] });
    // What the emulator received, in order: the alert, then the rationale with thread_ts = the alert's ts.
    const posts = w.slack.callsTo('chat.postMessage').filter((c) => c.ok && c.params.channel === alerts);
    expect(posts.map((c) => c.params.thread_ts ?? null)).toEqual([null, alert!.ts]);
    expect(model.openai.calls).toHaveLength(1);
    expect(signalRationale(w.service.db, signal.id)).toMatchObject({ state: 'written', source: 'model', reason: null });

    // A target hit: in the thread, then chat.update of the parent with a Status field.
    const hit = await postUpdate(publisher, signal.id, { kind: 'target_hit', targetIndex: 1, price: 6.4, resultPct: 5.5 });
    expect(hit).toMatchObject({ status: 202, body: { duplicate: false, planned: 1 } });
    const [, update] = await threadOf(w, alerts, alert!.ts, 2);
    expect(update!.text).toContain('NEARUSDT long: Target 1 hit at 6.4 (+5.50%)');
    const edited = await until(() => {
      const parent = w.slack.messagesIn(alerts).find((m) => m.ts === alert!.ts);
      return parent && parent.edits.length > 0 ? parent : undefined;
    }, 'the alert edited');
    expect(readable(edited)).toContain('Status: Target 1 hit');
    expect(readable(edited)).toContain('NEARUSDT');
    expect(w.slack.callsTo('chat.update').filter((c) => c.params.ts === alert!.ts).map((c) => ({ ok: c.ok, channel: c.params.channel }))).toEqual([{ ok: true, channel: alerts }]);

    // The daily snapshot: the chart uploaded (getUploadURLExternal, the bytes, completeUploadExternal) into #alerts with its text.
    expect(await w.service.snapshots.run()).toMatchObject({ day: '2026-03-02', created: true, chart: true, planned: 1 });
    const snapshot = await snapshotIn(w, alerts);
    expect(snapshot.files?.map((f) => ({ name: f.name, mimetype: f.mimetype }))).toEqual([{ name: 'chart.png', mimetype: 'image/png' }]);
    expect(readable(snapshot)).toContain('NEARUSDT long (A)');
    expect(blocksOf(snapshot).at(-1)).toMatchObject({ type: 'context', elements: [{ text: DISCLAIMER }] });
    const completed = w.slack.callsTo('files.completeUploadExternal');
    expect(completed.map((c) => ({ ok: c.ok, channel: c.params.channel_id }))).toEqual([{ ok: true, channel: alerts }]);
    const file = w.slack.state.files.get(snapshot.files![0]!.id);
    expect(file?.data?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(imageSize(file!.data!)).toEqual({ width: 1200, height: 675 });
    expect(model.openai.calls).toHaveLength(1);

    // /signals track: the figures, privately; the close scores the signal.
    expect((await postUpdate(publisher, signal.id, { kind: 'closed', price: 6.6, resultPct: 5.5 })).status).toBe(202);
    const { answer } = await signals(w, w.ws.users.sam!, 'track');
    expect(readable(answer).split('\n').slice(0, 2)).toEqual([
      'Track record (results of published signals, from their updates):',
      'Last 30 days: 1 signal, 1 with a result: 1 win (100%), average +5.5%, total +5.5%',
    ]);
  });

  it('sends the alert while the model answers 429, then the model\'s rationale from the client\'s retry in the thread', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, settings: settings(1) });
    await paidWorkspace(w);
    const alerts = w.ws.channels.alerts!;
    model.openai.failNext(429, { retryAfter: 0.2 });
    const signal = await postSignal({ url: w.url, secret: SECRET, now: () => w.clock.now() }, 'slack-content-429', 'OPUSDT');
    expect(signal.status).toBe(202);
    const [alert] = await until(() => alertsIn(w, alerts, 'OPUSDT').length > 0 && alertsIn(w, alerts, 'OPUSDT'), 'the alert in #alerts');
    const [rationale] = await threadOf(w, alerts, alert!.ts, 1);
    expect(blocksOf(rationale!)[0]).toMatchObject({ type: 'section', text: { text: rationaleOf(w.service.db, signal.id).summary } });
    // The refused call and its retry, which the openai client made after the Retry-After; one rationale written, by the model.
    expect(model.openai.calls.map((c) => [c.status, c.retryCount])).toEqual([[429, 0], [200, 1]]);
    expect(signalRationale(w.service.db, signal.id)).toMatchObject({ state: 'written', source: 'model', reason: null });
    const posts = w.slack.callsTo('chat.postMessage').filter((c) => c.ok && c.params.channel === alerts);
    expect(posts.map((c) => c.params.thread_ts ?? null)).toEqual([null, alert!.ts]);
  });

  it('sends the snapshot as text with its disclaimer to a workspace that installed the app without files:write', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, settings: settings() });
    await paidWorkspace(w, BOT_SCOPES.filter((s) => s !== 'files:write'));
    const alerts = w.ws.channels.alerts!;
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    expect((await postSignal(publisher, 'slack-content-2', 'FILUSDT')).status).toBe(202);
    await until(() => alertsIn(w, alerts, 'FILUSDT').length > 0, 'the alert in #alerts');

    expect(await w.service.snapshots.run()).toMatchObject({ created: true, chart: true, planned: 1 });
    const snapshot = await snapshotIn(w, alerts);
    expect(snapshot.files).toBeUndefined();
    expect(readable(snapshot)).toContain('FILUSDT long (A)');
    expect(blocksOf(snapshot).at(-1)).toMatchObject({ type: 'context', elements: [{ text: DISCLAIMER }] });
    // Slack refused the upload for the scope it lacks; nothing was shared, and the text counts as the snapshot.
    expect(w.slack.callsTo('files.getUploadURLExternal').map((c) => c.error)).toEqual(['missing_scope']);
    expect(w.slack.callsTo('files.completeUploadExternal')).toEqual([]);
    await until(() => (w.service.db.$client.prepare(`SELECT state FROM deliveries WHERE kind = 'snapshot'`).pluck().get() === 'sent' ? true : undefined), 'the snapshot row sent');
  });
});
