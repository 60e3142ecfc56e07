// @slack/bolt against the emulator, over HTTP and over Socket Mode: a driven /signals reaches the
// app, is acked within Slack's 3 s, respond() lands on the emulator's response_url, buttons and
// events arrive, and a badly signed or stale request is refused 401.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../core/testing/until';
import { startTestWorld, type TestWorld } from './test-world';

let world: TestWorld | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await world?.emulator.stop();
  world = undefined;
});

const buttons = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Your workspace has no licence yet.' } },
  { type: 'actions', block_id: 'billing', elements: [{ type: 'button', action_id: 'plan_pick', text: { type: 'plain_text', text: 'Pro' }, value: 'plan:pro' }] },
];

/** What the app's handlers got. */
type Seen = { actions: unknown[]; events: unknown[]; commands: unknown[] };

/** Handlers the tests share: /signals answers with a button, the button and member_joined_channel are recorded. */
function wire(bolt: App): Seen {
  const seen: Seen = { actions: [], events: [], commands: [] };
  bolt.command('/signals', async ({ ack, respond, command }) => {
    seen.commands.push(command);
    await ack();
    await respond({ response_type: 'ephemeral', text: `You ran: ${command.text}`, blocks: buttons });
  });
  bolt.action('plan_pick', async ({ ack, respond, action }) => {
    seen.actions.push(action);
    await ack();
    await respond({ replace_original: true, text: 'Checkout: http://127.0.0.1/checkout/1' });
  });
  bolt.event('member_joined_channel', async ({ event }) => {
    seen.events.push(event);
  });
  return seen;
}

/** The app over HTTP, on a port of its own that the emulator's app posts to. */
async function httpApp(w: TestWorld): Promise<{ bolt: App; seen: Seen }> {
  const bolt = new App({ token: w.install.botToken, signingSecret: w.emulator.app.signingSecret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: w.emulator.apiUrl } });
  const seen = wire(bolt);
  const server = (await bolt.start(0)) as Server;
  w.emulator.configureApp({ requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` });
  return { bolt, seen };
}

/** The app over Socket Mode with the app token (the emulator's app switched to Socket Mode). */
async function socketApp(w: TestWorld): Promise<{ bolt: App; seen: Seen }> {
  w.emulator.configureApp({ socketMode: true });
  const bolt = new App({ token: w.install.botToken, appToken: w.emulator.app.appToken, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: w.emulator.apiUrl } });
  const seen = wire(bolt);
  await bolt.start();
  return { bolt, seen };
}

describe('@slack/bolt over HTTP', () => {
  it('receives /signals, acks within 3 s, and its respond() becomes an ephemeral message with buttons', async () => {
    world = await startTestWorld();
    const { bolt, seen } = await httpApp(world);
    app = bolt;
    const { ws } = world;
    const result = await world.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, text: 'status' });
    expect(result.status).toBe(200);
    expect(result.timedOut).toBe(false);
    expect(result.ackMs).toBeLessThan(3000);
    expect(seen.commands[0]).toMatchObject({ command: '/signals', text: 'status', team_id: ws.id, user_id: ws.users.sam, channel_id: ws.channels.general, response_url: result.responseUrl });
    const [post] = await result.responses(1);
    expect(post).toMatchObject({ outcome: 'ephemeral', status: 200 });
    const [shown] = world.emulator.ephemeralsFor(ws.users.sam!, ws.channels.general!);
    expect(shown).toMatchObject({ text: 'You ran: status', blocks: buttons, via: 'response_url' });

    const click = await world.emulator.clickButton({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, message: shown!, actionId: 'plan_pick' });
    expect(click.status).toBe(200);
    expect(seen.actions[0]).toMatchObject({ action_id: 'plan_pick', value: 'plan:pro', block_id: 'billing', type: 'button' });
    const [replaced] = await click.responses(1);
    expect(replaced!.outcome).toBe('replaced');
    expect(world.emulator.ephemeralsFor(ws.users.sam!)[0]).toMatchObject({ text: 'Checkout: http://127.0.0.1/checkout/1', edits: [{ text: 'You ran: status' }] });
  });

  it('receives an event with its envelope, and answers the URL check with the challenge', async () => {
    world = await startTestWorld();
    const { bolt, seen } = await httpApp(world);
    app = bolt;
    const { ws } = world;
    const sent = await world.emulator.sendEvent(ws.id, { type: 'member_joined_channel', user: ws.users.sam!, channel: ws.channels.alerts!, channel_type: 'C', team: ws.id });
    expect(sent.attempts.map((a) => a.status)).toEqual([200]);
    expect(seen.events[0]).toMatchObject({ type: 'member_joined_channel', user: ws.users.sam, channel: ws.channels.alerts });
    const check = await world.emulator.urlVerification();
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ challenge: check.challenge });
  });

  it('refuses 401 a request signed with another secret or six minutes old, and never runs the handler', async () => {
    world = await startTestWorld();
    const { bolt, seen } = await httpApp(world);
    app = bolt;
    const { ws } = world;
    const forged = await world.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, text: 'status', signWith: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await world.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, text: 'status', timestampOffsetSeconds: -360 });
    expect(stale.status).toBe(401);
    expect(seen.commands).toEqual([]);
  });
});

describe('@slack/bolt over Socket Mode', () => {
  it('opens a connection with the app token and gets /signals, buttons and events as envelopes it acks', async () => {
    world = await startTestWorld();
    const { emulator, ws } = world;
    const { bolt, seen } = await socketApp(world);
    app = bolt;
    expect(emulator.callsTo('apps.connections.open')).toMatchObject([{ tokenKind: 'app', ok: true }]);
    expect(emulator.socketMode.connected).toBe(1);

    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.dana!, channel: ws.channels.general!, text: 'billing' });
    expect(result).toMatchObject({ via: 'socket', status: 200, timedOut: false });
    expect(result.ackMs).toBeLessThan(3000);
    await result.responses(1);
    const [shown] = emulator.ephemeralsFor(ws.users.dana!);
    expect(shown?.text).toBe('You ran: billing');
    const click = await emulator.clickButton({ team: ws.id, user: ws.users.dana!, channel: ws.channels.general!, message: shown!, actionId: 'plan_pick' });
    expect(click.status).toBe(200);
    await click.responses(1);
    expect(seen.actions).toHaveLength(1);
    const sent = await emulator.sendEvent(ws.id, { type: 'member_joined_channel', user: ws.users.sam!, channel: ws.channels.alerts! });
    expect(sent.attempts[0]).toMatchObject({ via: 'socket', status: 200 });
    expect(seen.events).toHaveLength(1);
  });

  it('reconnects when Slack sends disconnect (refresh_requested), through a new apps.connections.open, and keeps receiving', async () => {
    world = await startTestWorld({ limits: { methodTiers: { 'apps.connections.open': 4 } } });
    const { emulator, ws } = world;
    const { bolt, seen } = await socketApp(world);
    app = bolt;
    emulator.socketMode.disconnect('refresh_requested');
    await until(() => (emulator.socketMode.connections === 2 && emulator.socketMode.connected === 1) || undefined, 'the new connection');
    expect(emulator.callsTo('apps.connections.open')).toHaveLength(2);
    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, text: 'after' });
    expect(result).toMatchObject({ via: 'socket', status: 200 });
    expect(seen.commands).toHaveLength(1);
  });
});
