// Every answer the Slack emulator gives has the field names, required fields, types and id patterns
// of its method's schema in Slack's OpenAPI spec, and its events those of the Events API wrapper.
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackSpecChecker } from './openapi-check';
import { startTestWorld, type TestWorld } from './test-world';

const checker = new SlackSpecChecker();
let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world.emulator.stop();
});

/** Calls a method with the bot token (or `token`) and returns the raw JSON answer. */
async function call(method: string, params: Record<string, unknown> = {}, token = world.install.botToken): Promise<Record<string, unknown>> {
  const res = await fetch(`${world.emulator.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as Record<string, unknown>;
}

describe('Slack emulator conformance to the Web API spec', () => {
  it('the checker itself refuses a missing required field, a wrong type, a bad id and an unknown field', () => {
    const good = { ok: true, url: 'https://a.slack.com/', team: 'A', user: 'bot', team_id: 'T012AB3C4', user_id: 'U012AB3C4' };
    expect(checker.check('auth.test', good)).toEqual([]);
    const { url: _url, ...withoutUrl } = good;
    expect(checker.check('auth.test', { ...withoutUrl, team: 1 }).sort()).toEqual(['auth.test.team: is integer, the spec says string', 'auth.test.url: required, missing'].sort());
    expect(checker.check('auth.test', { ...good, team_id: 'x' })[0]).toMatch(/does not match/);
    expect(checker.check('auth.test', { ...good, extra: 1 })).toEqual(['auth.test.extra: not a field of the spec']);
  });

  it('auth.test, users.info and conversations.*', async () => {
    const { ws } = world;
    expect(checker.check('auth.test', await call('auth.test'))).toEqual([]);
    for (const name of ['dana', 'sam']) expect(checker.check('users.info', await call('users.info', { user: ws.users[name] }))).toEqual([]);
    expect(checker.check('users.info', await call('users.info', { user: world.install.botUserId }))).toEqual([]);
    expect(checker.check('conversations.join', await call('conversations.join', { channel: ws.channels.general }))).toEqual([]);
    expect(checker.check('conversations.join', await call('conversations.join', { channel: ws.channels.general }))).toEqual([]);
    expect(checker.check('conversations.info', await call('conversations.info', { channel: ws.channels.general }))).toEqual([]);
    expect(checker.check('conversations.list', await call('conversations.list', { limit: 2, types: 'public_channel,private_channel' }))).toEqual([]);
    expect(checker.check('conversations.open', await call('conversations.open', { users: ws.users.sam }))).toEqual([]);
    expect(checker.check('conversations.open', await call('conversations.open', { users: ws.users.sam, return_im: true }))).toEqual([]);
    const dm = await call('conversations.open', { users: ws.users.dana });
    expect(checker.check('conversations.info', await call('conversations.info', { channel: (dm.channel as { id: string }).id }))).toEqual([]);
  });

  it('users.list: both pages, with Slackbot, the bot user and a deactivated person', async () => {
    const { ws, emulator } = world;
    emulator.deactivateUser(ws.id, emulator.addUser(ws.id, { name: 'gone' }));
    const first = await call('users.list', { limit: 3 });
    expect(checker.check('users.list', first)).toEqual([]);
    const cursor = (first.response_metadata as { next_cursor: string }).next_cursor;
    expect(cursor).not.toBe('');
    const second = await call('users.list', { limit: 3, cursor });
    expect(checker.check('users.list', second)).toEqual([]);
    const members = [...(first.members as { id: string; is_bot: boolean; deleted: boolean }[]), ...(second.members as { id: string; is_bot: boolean; deleted: boolean }[])];
    expect(members.map((m) => m.id)).toContain('USLACKBOT');
    expect(members.find((m) => m.id === world.install.botUserId)).toMatchObject({ is_bot: true });
    expect(members.filter((m) => m.deleted)).toHaveLength(1);
    expect(await call('users.list', { cursor: 'bm9wZQ==' })).toMatchObject({ ok: false, error: 'invalid_cursor' });
  });

  it('chat.postMessage, chat.update and chat.postEphemeral', async () => {
    const { ws } = world;
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'BTCUSDT' } }, { type: 'section', fields: [{ type: 'mrkdwn', text: '*Entry* 64000' }] }];
    const posted = await call('chat.postMessage', { channel: ws.channels.general, text: 'BTC long', blocks });
    expect(checker.check('chat.postMessage', posted)).toEqual([]);
    expect(checker.check('chat.postMessage', await call('chat.postMessage', { channel: ws.users.sam, text: 'DM', thread_ts: posted.ts }))).toEqual([]);
    expect(checker.check('chat.update', await call('chat.update', { channel: ws.channels.general, ts: posted.ts, text: 'closed', blocks }))).toEqual([]);
    expect(checker.check('chat.postEphemeral', await call('chat.postEphemeral', { channel: ws.channels.general, user: ws.users.sam, text: 'only you' }))).toEqual([]);
  });

  it('errors, apps.uninstall and auth.revoke', async () => {
    const { ws, emulator } = world;
    expect(checker.check('chat.postMessage', await call('chat.postMessage', { channel: 'C999999999', text: 'x' }))).toEqual([]);
    expect(checker.check('conversations.info', await call('conversations.info', { channel: 'C999999999' }, world.install.botToken))).toEqual([]);
    expect(checker.check('auth.test', await call('auth.test', {}, 'xoxb-nope'))).toEqual([]);
    const other = emulator.createWorkspace({ name: 'Other', users: [{ name: 'o' }] });
    const a = emulator.installApp(other.id, { installerId: other.users.o! });
    expect(checker.check('auth.revoke', await call('auth.revoke', { test: true }, a.botToken))).toEqual([]);
    expect(checker.check('apps.uninstall', await call('apps.uninstall', { client_id: emulator.app.clientId, client_secret: emulator.app.clientSecret }, a.botToken))).toEqual([]);
    const b = emulator.installApp(other.id, { installerId: other.users.o! });
    expect(checker.check('auth.revoke', await call('auth.revoke', {}, b.botToken))).toEqual([]);
    expect(ws.id).not.toBe(other.id);
  });

  it('oauth.v2.access answers ok with its fields', async () => {
    const { ws, emulator } = world;
    const code = new URL(emulator.authorize({ team: ws.id, user: ws.users.dana!, redirectUri: 'http://127.0.0.1:9/r' })).searchParams.get('code')!;
    const client = new WebClient(undefined, { slackApiUrl: emulator.apiUrl });
    const res = await client.oauth.v2.access({ client_id: emulator.app.clientId, client_secret: emulator.app.clientSecret, code });
    expect(checker.check('oauth.v2.access', res)).toEqual([]);
    expect(checker.check('oauth.v2.access', await (await fetch(`${emulator.apiUrl}oauth.v2.access`, { method: 'POST', body: new URLSearchParams({ client_id: emulator.app.clientId, client_secret: emulator.app.clientSecret, code: 'used' }) })).json())).toEqual([]);
  });
});

describe('Slack emulator events conform to the Events API wrapper', () => {
  it('app_home_opened, member_joined_channel, app_uninstalled and tokens_revoked envelopes', async () => {
    const { ws, emulator } = world;
    emulator.configureApp({ requestUrl: 'http://127.0.0.1:9/unreachable' });
    const events = [
      await emulator.sendEvent(ws.id, { type: 'app_home_opened', user: ws.users.sam!, channel: emulator.dmChannel(ws.id, ws.users.sam!), tab: 'home' }),
      await emulator.sendEvent(ws.id, { type: 'member_joined_channel', user: ws.users.sam!, channel: ws.channels.alerts!, channel_type: 'C', team: ws.id }),
      await emulator.revokeTokens(ws.id),
      await emulator.uninstall(ws.id),
    ];
    for (const e of events) expect(checker.checkEvent(e.envelope)).toEqual([]);
    expect(checker.checkEvent({ type: 'event_callback' }).length).toBeGreaterThan(0);
  });
});
