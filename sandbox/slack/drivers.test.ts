// The drivers as an app sees them over HTTP: the exact form fields and signature Slack sends, the
// response_url's rules (ephemeral, in_channel, replace, delete, 5 uses), event retries, and replays.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../core/testing/until';
import { FakeClock } from '../../core/clock';
import { RESPONSE_URL_MS } from './response-urls';
import { slackSignature } from './signing';
import { startTestWorld, type TestWorld } from './test-world';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let world: TestWorld;
let server: Server;
let received: Received[];
interface Answer {
  status: number;
  body?: unknown;
  delayMs?: number;
}
/** What the fake app answers: status, body (JSON when an object) and a delay, or that by the request's number (0 first). */
let answer: Answer | ((n: number) => Answer);

beforeEach(async () => {
  world = await startTestWorld({ eventRetryDelaysMs: [0, 10, 10], ackTimeoutMs: 500 });
  received = [];
  answer = { status: 200 };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, body, delayMs } = typeof answer === 'function' ? answer(received.length - 1) : answer;
      setTimeout(() => {
        if (res.destroyed) return;
        if (body === undefined) res.writeHead(status).end();
        else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
        else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }, delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  world.emulator.configureApp({ requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` });
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await world.emulator.stop();
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Slack drivers', () => {
  it('sends a slash command as the signed form Slack sends', async () => {
    const { ws, emulator } = world;
    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.alerts!, text: 'subscribe <#C1|alerts>' });
    const [req] = received;
    const form = Object.fromEntries(new URLSearchParams(req!.body));
    expect(form).toEqual({
      token: emulator.app.verificationToken,
      team_id: ws.id,
      team_domain: 'acme-trading-desk',
      channel_id: ws.channels.alerts,
      channel_name: 'alerts',
      user_id: ws.users.sam,
      user_name: 'sam',
      command: '/signals',
      text: 'subscribe <#C1|alerts>',
      api_app_id: emulator.app.id,
      is_enterprise_install: 'false',
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const ts = Number(req!.headers['x-slack-request-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(req!.headers['x-slack-signature']).toBe(slackSignature(emulator.app.signingSecret, ts, req!.body));
    expect(result.responseUrl).toMatch(new RegExp(`^${emulator.url}/response/`));
  });

  it('runs a command in the DM with the app when no channel is named, and refuses when the app is not installed', async () => {
    const { ws, emulator } = world;
    await emulator.slashCommand({ team: ws.id, user: ws.users.dana!, text: 'help' });
    expect(Object.fromEntries(new URLSearchParams(received[0]!.body))).toMatchObject({ channel_id: emulator.dmChannel(ws.id, ws.users.dana!), channel_name: 'directmessage' });
    const other = emulator.createWorkspace({ name: 'Bare', users: [{ name: 'b' }] });
    await expect(emulator.slashCommand({ team: other.id, user: other.users.b! })).rejects.toThrow(/not installed/);
  });

  it('shows a message in the ack as the ephemeral answer', async () => {
    const { ws, emulator } = world;
    answer = { status: 200, body: { text: 'Usage: /signals help' } };
    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general! });
    expect(result.ackResponse).toMatchObject({ outcome: 'ephemeral' });
    expect(emulator.ephemeralsFor(ws.users.sam!).map((e) => [e.text, e.via])).toEqual([['Usage: /signals help', 'ack']]);
  });

  it('reports an app that does not answer within the ack timeout', async () => {
    const { ws, emulator } = world;
    answer = { status: 200, delayMs: 800 };
    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general! });
    expect(result).toMatchObject({ status: 0, timedOut: true });
  });

  it('response_url posts become ephemeral or channel messages, replace and delete the original, and stop after 5 uses', async () => {
    const { ws, emulator } = world;
    const alerts = ws.channels.alerts!;
    const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: alerts });
    expect((await post(result.responseUrl, { text: 'first' })).status).toBe(200);
    expect((await post(result.responseUrl, { text: 'second', replace_original: true })).status).toBe(200);
    expect(emulator.ephemeralsFor(ws.users.sam!).map((e) => e.text)).toEqual(['second']);
    expect((await post(result.responseUrl, { response_type: 'in_channel', text: 'Subscribed #alerts' })).status).toBe(200);
    expect(emulator.messagesIn(alerts).map((m) => [m.text, m.user, m.via])).toEqual([['Subscribed #alerts', world.install.botUserId, 'response_url']]);
    expect((await post(result.responseUrl, { delete_original: true })).status).toBe(200);
    expect(emulator.ephemeralsFor(ws.users.sam!)).toEqual([]);
    expect((await post(result.responseUrl, { text: 'fifth' })).status).toBe(200);
    const sixth = await post(result.responseUrl, { text: 'sixth' });
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    const posts = await result.responses(6);
    expect(posts.map((p) => p.outcome)).toEqual(['ephemeral', 'replaced', 'in_channel', 'deleted', 'ephemeral', 'refused']);
    expect((await post(`${emulator.url}/response/nope`, { text: 'x' })).status).toBe(404);
  });

  it('clicks a button on a channel message with the block_actions payload, and replace_original edits that message', async () => {
    const { ws, emulator } = world;
    const general = ws.channels.general!;
    const blocks = [{ type: 'actions', block_id: 'b1', elements: [{ type: 'button', action_id: 'renew', text: { type: 'plain_text', text: 'Renew' }, value: 'renew:1' }] }];
    const res = await fetch(`${emulator.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${world.install.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: ws.users.dana, text: 'Renew?', blocks }) });
    const { ts, channel } = (await res.json()) as { ts: string; channel: string };
    expect(channel).not.toBe(general);
    const click = await emulator.clickButton({ team: ws.id, user: ws.users.dana!, channel, message: ts, actionId: 'renew' });
    const payload = JSON.parse(new URLSearchParams(received[0]!.body).get('payload')!) as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: ws.users.dana, username: 'dana', team_id: ws.id },
      team: { id: ws.id, domain: 'acme-trading-desk' },
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
      channel: { id: channel },
      message: { ts, text: 'Renew?' },
      response_url: click.responseUrl,
      actions: [{ action_id: 'renew', block_id: 'b1', value: 'renew:1', type: 'button', text: { type: 'plain_text', text: 'Renew' } }],
    });
    await post(click.responseUrl, { replace_original: true, text: 'Renewed' });
    expect(emulator.messagesIn(channel)[0]).toMatchObject({ text: 'Renewed', edits: [{ text: 'Renew?' }] });
    await expect(emulator.clickButton({ team: ws.id, user: ws.users.dana!, channel, message: ts, actionId: 'missing' })).rejects.toThrow(/no button/);
  });

  it('wraps an event in the event_callback envelope and retries with X-Slack-Retry-Num when the app fails', async () => {
    const { ws, emulator } = world;
    answer = { status: 500 };
    const sent = await emulator.sendEvent(ws.id, { type: 'app_home_opened', user: ws.users.sam!, tab: 'home' }, { retries: true });
    expect(sent.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
    expect(received.map((r) => r.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2', '3']);
    expect(received[1]!.headers['x-slack-retry-reason']).toBe('http_error');
    const bodies = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(new Set(bodies.map((b) => b.event_id)).size).toBe(1);
    expect(bodies[0]).toMatchObject({
      type: 'event_callback',
      team_id: ws.id,
      api_app_id: emulator.app.id,
      event: { type: 'app_home_opened', user: ws.users.sam, tab: 'home' },
      authorizations: [{ team_id: ws.id, user_id: world.install.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
  });

  it('stops retrying once the app answers 200', async () => {
    const { ws, emulator } = world;
    answer = (n) => (n === 0 ? { status: 200, delayMs: 800 } : { status: 200 });
    const sent = await emulator.sendEvent(ws.id, { type: 'app_home_opened', user: ws.users.sam! }, { retries: true });
    expect(sent.attempts.map((a) => [a.status, a.timedOut])).toEqual([[0, true], [200, false]]);
    expect(received[1]!.headers['x-slack-retry-reason']).toBe('http_timeout');
  });

  it('uninstall and revocation reach the app as app_uninstalled and tokens_revoked', async () => {
    const { ws, emulator } = world;
    await emulator.revokeTokens(ws.id);
    await emulator.uninstall(ws.id);
    const events = received.map((r) => (JSON.parse(r.body) as { event: Record<string, unknown> }).event);
    expect(events[0]).toMatchObject({ type: 'tokens_revoked', tokens: { bot: [world.install.botUserId], oauth: [] } });
    expect(events[1]).toMatchObject({ type: 'app_uninstalled' });
  });

  it('auth.revoke kills the token and tells the app with tokens_revoked', async () => {
    const { emulator } = world;
    const res = await fetch(`${emulator.apiUrl}auth.revoke`, { method: 'POST', headers: { authorization: `Bearer ${world.install.botToken}` } });
    expect(await res.json()).toEqual({ ok: true, revoked: true });
    await until(() => received[0], 'the event');
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: { type: 'tokens_revoked', tokens: { bot: [world.install.botUserId], oauth: [] } } });
    const again = await fetch(`${emulator.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${world.install.botToken}` } });
    expect(await again.json()).toEqual({ ok: false, error: 'token_revoked' });
  });

  it('resends a request byte for byte as a replay', async () => {
    const { ws, emulator } = world;
    const first = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general! });
    await emulator.replay(first.request!);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers['x-slack-signature']).toBe(received[0]!.headers['x-slack-signature']);
    expect(received[1]!.headers['x-slack-request-timestamp']).toBe(received[0]!.headers['x-slack-request-timestamp']);
  });

  it('a response_url expires 30 minutes after the command, and a command to an app without a request URL reaches nothing', async () => {
    const clock = new FakeClock();
    const other = await startTestWorld({ clock });
    try {
      const { ws, emulator } = other;
      const result = await emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general! });
      expect(result).toMatchObject({ status: 0, error: 'the app has no request URL' });
      expect((await post(result.responseUrl, { text: 'in time' })).status).toBe(200);
      await clock.advance(RESPONSE_URL_MS + 1);
      const late = await post(result.responseUrl, { text: 'too late' });
      expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
      expect(emulator.ephemeralsFor(ws.users.sam!).map((e) => e.text)).toEqual(['in time']);
    } finally {
      await other.emulator.stop();
    }
  });
});
