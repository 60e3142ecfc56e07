// The console's Slack section over real HTTP, against the whole service in sandbox mode on the Slack
// emulator: the install through /slack/install and "Allow", /signals as the owner and as a member,
// the checkout link, the paid licence's alert in #alerts, and the uninstall.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareService } from '../../app/service';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS } from '../../core/plans';
import { recordingLogger } from '../../core/testing/logger';
import { until } from '../../core/testing/until';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { signBody } from '../../server/signature';
import { startSandbox, type Sandbox } from '../index';
import { DEMO_WORKSPACE } from '../slack';
import { submitForm } from './testing/submit';

const SECRET = 'slack-section-signing-secret';
const running: (() => Promise<void>)[] = [];
let sandbox: Sandbox;
let consoleUrl: string;
let serviceUrl: string;

beforeEach(async () => {
  const logger = recordingLogger();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: SECRET, LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger });
  running.push(() => sandbox.stop());
  const service = await prepareService({ config: sandbox.config, logger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
  running.push(async () => {
    await service.stop();
    service.db.$client.close();
  });
  serviceUrl = await service.start();
  sandbox.attach(serviceUrl);
  consoleUrl = sandbox.consoleUrl ?? '';
});

afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const slackPart = async (query = '') => {
  const html = await (await fetch(`${consoleUrl}${query}`)).text();
  return html.slice(html.indexOf('<section id="slack">'), html.indexOf('<section id="stripe">'));
};
const post = (action: string, fields: Record<string, string>, query = '') => submitForm(`${consoleUrl}slack/${action}${query}`, fields);
const wait = <T>(what: string, check: () => Promise<T | undefined | false>) => until(async () => (await check()) || undefined, what, { timeoutMs: 8_000, everyMs: 25 });
const answersOf = (html: string) => html.slice(html.indexOf('<h3>Your answers'), html.indexOf('<h3>#alerts</h3>'));

async function install(): Promise<void> {
  expect((await post('install', {})).location).toMatch(/^\/\?notice=Installing/);
  await wait('the install', async () => (await slackPart()).includes('Signalcast is installed in the workspace'));
}

/** Runs a command from the console as the person of `query`, and waits for the app's answer (a new ephemeral message) on the page. */
async function run(text: string, channel: string, query = ''): Promise<string> {
  const person = new URLSearchParams(query).get('sl_user') === 'sam' ? DEMO_WORKSPACE.users.sam : DEMO_WORKSPACE.users.dana;
  const answers = () => sandbox.slack!.emulator.ephemeralsFor(person).length;
  const before = answers();
  expect(await post('run', { text, channel }, query)).toEqual({ status: 303, location: `/${query}` });
  await wait(`the app's answer to ${text}`, async () => answers() > before);
  return slackPart(query);
}

describe('the console page for Slack', () => {
  it('clicks a button on the app\'s message in #alerts (the click reaches the service as block_actions and is acknowledged), shows its thread, and the app\'s DM to dana', async () => {
    await install();
    const emulator = sandbox.slack!.emulator;
    const token = [...emulator.state.tokens.values()].find((t) => t.kind === 'bot' && !t.dead)!.token;
    const alerts = DEMO_WORKSPACE.channels.alerts;
    await run('/signals subscribe #alerts', DEMO_WORKSPACE.channels.general);
    const posted = await fetch(`${emulator.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: alerts, text: 'Pick one', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'signalcast_0_0', text: { type: 'plain_text', text: 'Band A' }, value: 'band:A' }] }] }),
    });
    const { ts } = (await posted.json()) as { ts: string };
    const page = await slackPart();
    expect(page).toContain(`<input type="hidden" name="channel" value="${alerts}"><input type="hidden" name="ts" value="${ts}"><input type="hidden" name="action_id" value="signalcast_0_0"><button type="submit">Band A</button>`);
    expect(await submitForm(`${consoleUrl}slack/click`, { channel: alerts, ts, action_id: 'signalcast_0_0' })).toEqual({ status: 303, location: '/' });
    const clicked = await wait('the click acknowledged', async () => {
      const html = await slackPart();
      return !html.includes('waiting for the app') && html;
    });
    expect(clicked).toContain('You clicked <code>signalcast_0_0</code>: <span class="meta">acknowledged in');
    expect((await post('click', { channel: alerts, ts: '1.000000', action_id: 'signalcast_0_0' })).status).toBe(404);

    // A reply in the message's thread shows under it; a DM from the app shows to dana only.
    const say = (body: Record<string, unknown>) => fetch(`${emulator.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await say({ channel: alerts, thread_ts: ts, text: 'Filled at 3,100' })).status).toBe(200);
    expect((await say({ channel: DEMO_WORKSPACE.users.dana, text: 'Your licence renews <https://pay.example/portal|here>' })).status).toBe(200);
    const page2 = await slackPart();
    const thread = page2.slice(page2.indexOf('<h3>#alerts</h3>'), page2.indexOf('<h3>Direct messages'));
    expect(thread).toMatch(/Band A<\/button>[\s\S]*<ol class="chat thread"><li class="bot">[\s\S]*Filled at 3,100/);
    expect(page2.slice(page2.indexOf('<h3>Direct messages'))).toContain('Your licence renews <a href="https://pay.example/portal" target="_blank" rel="noopener noreferrer">here ↗</a>');
    expect(await slackPart('?sl_user=sam')).not.toContain('Your licence renews');
  });

  it('shows dana, the demo workspace and the app not installed; installs it through the service\'s /slack/install and "Allow"', async () => {
    const before = await slackPart();
    expect(before).toContain(`You are <strong>dana</strong> (the owner, an admin), Slack user <code>${DEMO_WORKSPACE.users.dana}</code> in <strong>Acme Trading Desk</strong>`);
    expect(before).toContain('Signalcast is <strong>not installed</strong>');
    expect(before).toContain('Install the app first');
    expect(await post('run', { text: '/signals help' })).toEqual({ status: 409, location: null });
    await install();
    const emulator = sandbox.slack!.emulator;
    expect(emulator.callsTo('oauth.v2.access')).toMatchObject([{ ok: true }]);
    expect(await slackPart()).toContain('Signalcast is installed in Acme Trading Desk.');
    expect(emulator.app.requestUrl).toBe(`${serviceUrl}/slack/events`);
  });

  it('runs /signals help and shows the ephemeral answer only to the person who ran it', async () => {
    await install();
    const html = await run('/signals help', DEMO_WORKSPACE.channels.general);
    expect(answersOf(html)).toContain('You ran <code>/signals help</code> in #general: <span class="meta">acknowledged in');
    expect(answersOf(html)).toContain('only you can see this');
    expect(answersOf(html)).toContain('/signals subscribe #channel');
    expect(answersOf(await slackPart('?sl_user=sam'))).toContain('No answer yet');
  });

  it('as sam (a member) is refused the admin commands; as dana subscribes #alerts (sent escaped), pays for Enterprise, and sees the alert in #alerts', async () => {
    await install();
    expect((await post('person', { person: 'sam' })).location).toMatch(/^\/\?sl_user=sam&notice=/);
    const refused = await run('/signals subscribe #alerts', DEMO_WORKSPACE.channels.general, '?sl_user=sam');
    expect(answersOf(refused)).toContain('Only a workspace admin or owner');

    const subscribed = await run('/signals subscribe #alerts', DEMO_WORKSPACE.channels.general);
    const emulator = sandbox.slack!.emulator;
    expect(emulator.callsTo('conversations.join').at(-1)).toMatchObject({ ok: true, params: { channel: DEMO_WORKSPACE.channels.alerts } });
    const checkoutUrl = new RegExp(`href="(${sandbox.stripe!.url}/c/pay/[^"]+)" target="_blank" rel="noopener noreferrer">Subscribe the workspace to Enterprise ↗`).exec(answersOf(subscribed))?.[1];
    expect(checkoutUrl).toBeDefined();

    const checkout = await (await fetch(checkoutUrl!)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(checkout)?.[1] ?? '';
    const paid = await fetch(new URL(action, checkoutUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'dana@example.com', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Dana' }).toString(),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    await wait('the licence', async () => answersOf(await run('/signals status', DEMO_WORKSPACE.channels.general)).includes('Licence: Enterprise'));

    const body = JSON.stringify({ publisherId: 'slack-console-1', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.93, reasons: ['Lower high on volume'] });
    const published = await fetch(`${serviceUrl}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) }, body });
    expect(published.status).toBe(202);
    const alerts = await wait('the alert in #alerts', async () => {
      const html = await slackPart();
      const part = html.slice(html.indexOf('<h3>#alerts</h3>'), html.indexOf('<h3>Direct messages'));
      return part.includes('ETHUSDT') && part;
    });
    expect(alerts).toContain('Signalcast (app)');
    expect(emulator.messagesIn(DEMO_WORKSPACE.channels.alerts)).toHaveLength(1);
  }, 30_000);

  it('uninstalls the app: its token stops working and the service is told', async () => {
    await install();
    expect((await post('uninstall', {})).location).toMatch(/^\/\?notice=You\+removed\+Signalcast/);
    await wait('not installed', async () => (await slackPart()).includes('Signalcast is <strong>not installed</strong>'));
    const emulator = sandbox.slack!.emulator;
    expect([...emulator.state.tokens.values()].every((t) => t.dead === 'account_inactive')).toBe(true);
    expect(await post('run', { text: '/signals help', channel: DEMO_WORKSPACE.channels.general })).toEqual({ status: 409, location: null });
  });

  it('refuses a command other than /signals, an unknown person and a channel the person is not in', async () => {
    await install();
    expect((await post('run', { text: '/remind me', channel: DEMO_WORKSPACE.channels.general })).status).toBe(404);
    expect((await post('person', { person: 'eve' })).status).toBe(400);
    expect((await post('run', { text: '/signals help', channel: DEMO_WORKSPACE.channels['desk-private'] }, '?sl_user=sam')).status).toBe(409);
    expect(await slackPart('?sl_user=eve')).toContain('sl_user must be one of dana, sam');
  });
});
