// The Slack adapter end to end against the emulator: signed requests only (no stale, forged or replayed one), event retries handled once, /signals as the neutral command, uninstalls, unknown workspaces, Socket Mode and the start.
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../core/inbound/types';
import { AdapterStartError } from '../../core/platform/errors';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import { until } from '../../core/testing/until';
import { signedHeaders } from '../../sandbox/slack';
import { serveRoutes, type RouteServer } from '../contract/route-server';
import { createSlackAdapter, type SlackAdapter } from './adapter';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';

let w: SlackWorld;
let server: RouteServer;
let adapter: SlackAdapter;
let events: InboundEvent[];
let logs: LogRecord[];

async function start(options: { socketMode?: boolean; botToken?: boolean } = {}): Promise<void> {
  w = await startSlackWorld();
  server = await serveRoutes();
  logs = [];
  events = [];
  adapter = createSlackAdapter({
    signingSecret: w.emulator.app.signingSecret, botToken: options.botToken === false ? undefined : w.install.botToken,
    clientId: options.botToken === false ? w.emulator.app.clientId : undefined, clientSecret: options.botToken === false ? w.emulator.app.clientSecret : undefined,
    appToken: options.socketMode ? w.emulator.app.appToken : undefined, apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [],
  }, { ...w.context, logger: recordingLogger(logs), publicUrl: server.url });
  adapter.routes!(server.registrar);
  w.emulator.configureApp(options.socketMode ? { socketMode: true } : { requestUrl: `${server.url}/slack/events` });
  await adapter.start(async (event) => {
    events.push(event);
    return [{ text: 'ok' }];
  });
}

afterEach(async () => {
  await adapter?.stop();
  await server?.close();
  await w?.stop();
});

describe('Slack adapter: requests', () => {
  it('refuses a forged, a stale and a replayed request with 401 and an empty body; nothing reaches the handler', async () => {
    await start();
    const { ws } = w;
    const forged = await w.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, text: 'status', signWith: 'f'.repeat(32) });
    const stale = await w.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, text: 'status', timestampOffsetSeconds: -360 });
    const ahead = await w.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, text: 'status', timestampOffsetSeconds: 360 });
    for (const r of [forged, stale, ahead]) expect(r).toMatchObject({ status: 401, body: '' });
    expect(events).toEqual([]);
    const good = await w.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, text: 'status' });
    expect(good.status).toBe(200);
    await until(() => events.length === 1, 'the command');
    const replayed = await w.emulator.replay(good.request!);
    expect(replayed).toMatchObject({ status: 401, body: '' });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain(w.emulator.app.signingSecret);
  });

  it('answers url_verification with its challenge', async () => {
    await start();
    const check = await w.emulator.urlVerification();
    expect(check).toMatchObject({ status: 200, body: { challenge: check.challenge } });
  });

  it('acknowledges an Events API retry of an event already handled, without handling it twice', async () => {
    await start();
    const first = await w.emulator.sendEvent(w.ws.id, { type: 'app_uninstalled' });
    await until(() => events.length === 1, 'the event');
    // Slack's retry: the same envelope (same event_id), signed anew (it comes after the 3 s timeout, so with a later timestamp), with X-Slack-Retry-Num.
    const body = JSON.stringify(first.envelope);
    const retry = await fetch(`${server.url}/slack/events`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout', ...signedHeaders(w.emulator.app.signingSecret, Math.floor(Date.now() / 1000) + 3, body) },
    });
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([{ type: 'tenant_removed', platform: 'slack', tenant: w.ws.id, reason: 'uninstalled' }]);
  });
});

describe('Slack adapter: what people do', () => {
  it('turns /signals subscribe #channel into the neutral command with the channel named, the admin flag from users.info asked once a minute', async () => {
    await start();
    const { ws } = w;
    const general = ws.channels.general!;
    const alerts = ws.channels.alerts!;
    await w.emulator.slashCommand({ team: ws.id, user: ws.users.alex!, channel: general, text: `subscribe <#${alerts}|alerts>` });
    await w.emulator.slashCommand({ team: ws.id, user: ws.users.alex!, channel: general, text: 'status' });
    await w.emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: general, text: `unsubscribe <#${alerts}|alerts>` });
    await until(() => events.length === 3, 'three commands');
    expect(events[0]).toEqual({
      type: 'command', command: 'signals', args: 'subscribe #alerts', chatRefs: [{ chatId: alerts, label: '#alerts' }],
      actor: { platform: 'slack', platformUserId: ws.users.alex, tenant: ws.id, username: 'alex', tenantAdmin: true },
      chat: { platform: 'slack', tenant: ws.id, chatId: general }, isPrivate: true, messageId: expect.any(String),
    });
    expect(events[2]).toMatchObject({ args: 'unsubscribe #alerts', actor: { platformUserId: ws.users.sam, tenantAdmin: false } });
    expect(w.emulator.callsTo('users.info').map((c) => c.params.user)).toEqual([ws.users.alex, ws.users.sam]);
    // The answers are ephemeral: only the person sees them.
    await until(() => w.emulator.ephemeralsFor(ws.users.sam!).length === 1, 'the answer');
    expect(w.emulator.messagesIn(general)).toEqual([]);
  });

  it('acknowledges a command at once while its handler is still working; the answer follows by response_url', async () => {
    await start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await adapter.stop();
    await adapter.start(async () => {
      await held;
      return [{ text: 'Your status' }];
    });
    const result = await w.emulator.slashCommand({ team: w.ws.id, user: w.ws.users.sam!, text: 'status' });
    // Slack's 3 s passed without an answer would be timedOut; the HTTP answer came while the handler was held.
    expect(result).toMatchObject({ status: 200, timedOut: false, body: '' });
    await until(async () => (await result.responses(1, 100)).length === 1, 'the acknowledgement message');
    release();
    const posts = await result.responses(2);
    expect(posts.map((p) => p.outcome)).toEqual(['ephemeral', 'replaced']);
    expect(w.emulator.ephemeralsFor(w.ws.users.sam!).map((m) => m.text)).toEqual(['Your status']);
  });

  it('turns tokens_revoked into tenant_removed', async () => {
    await start();
    await w.emulator.revokeTokens(w.ws.id);
    await until(() => events.length === 1, 'the event');
    expect(events[0]).toEqual({ type: 'tenant_removed', platform: 'slack', tenant: w.ws.id, reason: 'tokens_revoked' });
  });

  it('leaves the workspace alone when tokens_revoked names only a person\'s token, not the bot\'s', async () => {
    await start();
    await w.emulator.sendEvent(w.ws.id, { type: 'tokens_revoked', tokens: { oauth: [w.ws.users.dana!], bot: [] } });
    await w.emulator.sendEvent(w.ws.id, { type: 'tokens_revoked', tokens: { oauth: [], bot: [w.install.botUserId] } });
    // An uninstall last: once it is seen, the events before it have been handled.
    await w.emulator.sendEvent(w.ws.id, { type: 'app_uninstalled' });
    await until(() => events.some((e) => e.type === 'tenant_removed' && e.reason === 'uninstalled'), 'the uninstall');
    expect(events).toEqual([
      { type: 'tenant_removed', platform: 'slack', tenant: w.ws.id, reason: 'tokens_revoked' },
      { type: 'tenant_removed', platform: 'slack', tenant: w.ws.id, reason: 'uninstalled' },
    ]);
  });

  it('ignores a workspace it has no active installation for, with a log line naming it and no token', async () => {
    await start({ botToken: false });
    const { ws: other } = await w.oauthWorkspace('Beta Fund');
    await w.installations.markRevoked('slack', other.id, 'uninstalled');
    const result = await w.emulator.slashCommand({ team: other.id, user: other.users.member!, text: 'status' });
    expect(result.status).toBe(200);
    // The single-token workspace is not configured here either.
    await w.emulator.slashCommand({ team: w.ws.id, user: w.ws.users.sam!, text: 'status' });
    await until(() => logs.filter((l) => /was ignored/.test(l.msg ?? '')).length === 2, 'the log lines');
    expect(events).toEqual([]);
    expect(logs.find((l) => l.msg?.includes(other.id))?.level).toBe('warn');
    expect(JSON.stringify(logs)).not.toMatch(/xoxb-/);
  });

  it('receives commands over Socket Mode, without a request URL', async () => {
    await start({ socketMode: true });
    const result = await w.emulator.slashCommand({ team: w.ws.id, user: w.ws.users.dana!, text: 'help' });
    expect(result).toMatchObject({ via: 'socket', status: 200 });
    await until(() => events.length === 1, 'the command');
    expect(events[0]).toMatchObject({ command: 'signals', args: 'help', actor: { tenantAdmin: true } });
    await result.responses(1);
    expect(w.emulator.ephemeralsFor(w.ws.users.dana!).map((m) => m.text)).toEqual(['ok']);
  });
});

describe('Slack adapter: start', () => {
  it('fails for good when Slack refuses SLACK_BOT_TOKEN, naming the setting and not the token', async () => {
    w = await startSlackWorld();
    adapter = createSlackAdapter({ signingSecret: 's'.repeat(32), botToken: 'xoxb-not-a-real-token', apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [] }, w.context);
    const err = await adapter.start(async () => []).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterStartError);
    expect(err).toMatchObject({ failure: { permanent: true }, message: expect.stringMatching(/^SLACK_BOT_TOKEN: Slack refused the token/) });
    expect(String((err as Error).message)).not.toContain('xoxb-not-a-real-token');
  });

  it('fails for now when Slack cannot be reached', async () => {
    w = await startSlackWorld();
    await w.emulator.pause();
    adapter = createSlackAdapter({ signingSecret: 's'.repeat(32), botToken: w.install.botToken, apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [], startTimeoutMs: 5_000 }, w.context);
    const err = await adapter.start(async () => []).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ failure: { permanent: false }, message: expect.stringMatching(/^Slack could not be reached/) });
    await w.emulator.resume();
  });
});
