// The Web API through the real @slack/web-api WebClient: what each method answers, where the bot may
// post, Slack's refusals (as platform_error with data.error), and the call log tests assert on.
import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from './test-world';

let world: TestWorld;
let client: WebClient;

beforeEach(async () => {
  world = await startTestWorld();
  client = new WebClient(world.install.botToken, { slackApiUrl: world.emulator.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});

afterEach(async () => {
  await world.emulator.stop();
});

async function slackError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const err = (await call.then(() => undefined, (e: unknown) => e)) as WebAPIPlatformError | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err!.data;
}

describe('Slack Web API', () => {
  it('auth.test names the workspace and the bot user', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: world.ws.id, team: 'Acme Trading Desk', user_id: world.install.botUserId, bot_id: world.install.botId, url: 'https://acme-trading-desk.slack.com/' });
  });

  it('chat.postMessage keeps text, blocks, thread and unfurl flags, and update keeps the earlier version', async () => {
    const alerts = world.ws.channels.alerts!;
    await client.conversations.join({ channel: alerts });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*BTC* long' } }];
    const parent = await client.chat.postMessage({ channel: alerts, text: 'BTC long', blocks, unfurl_links: false, unfurl_media: false });
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(parent.message).toMatchObject({ text: 'BTC long', user: world.install.botUserId, bot_id: world.install.botId, blocks });
    const reply = await client.chat.postMessage({ channel: alerts, text: 'filled', thread_ts: parent.ts! });
    expect(world.emulator.threadOf(alerts, parent.ts!).map((m) => m.text)).toEqual(['filled']);
    expect(world.emulator.messagesIn(alerts)[0]).toMatchObject({ unfurlLinks: false, unfurlMedia: false });
    const updated = await client.chat.update({ channel: alerts, ts: parent.ts!, text: 'BTC long (closed)' });
    expect(updated).toMatchObject({ ok: true, channel: alerts, ts: parent.ts, text: 'BTC long (closed)' });
    const stored = world.emulator.messagesIn(alerts)[0]!;
    expect(stored.text).toBe('BTC long (closed)');
    expect(stored.edits.map((e) => e.text)).toEqual(['BTC long']);
    expect(reply.ts! > parent.ts!).toBe(true);
  });

  it('posting to a user id goes into their DM with the app', async () => {
    const dana = world.ws.users.dana!;
    const res = await client.chat.postMessage({ channel: dana, text: 'Your plan renews tomorrow' });
    expect(res.channel).toMatch(/^D/);
    expect(res.channel).toBe(world.emulator.dmChannel(world.ws.id, dana));
    expect(world.emulator.messagesIn(res.channel!).map((m) => m.text)).toEqual(['Your plan renews tomorrow']);
    const opened = await client.conversations.open({ users: dana });
    expect(opened).toMatchObject({ ok: true, already_open: true, channel: { id: res.channel } });
  });

  it('refuses posts where the bot may not write: unknown, private not joined, archived, public without chat:write.public', async () => {
    expect((await slackError(client.chat.postMessage({ channel: 'C999999999', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.postMessage({ channel: world.ws.channels['desk-private']!, text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.postMessage({ channel: world.ws.channels.old!, text: 'x' }))).error).toBe('is_archived');
    const narrow = world.emulator.installApp(world.ws.id, { installerId: world.ws.users.dana!, scopes: [] });
    expect(narrow.botToken).toBe(world.install.botToken);
    const other = world.emulator.createWorkspace({ name: 'Other', users: [{ name: 'o' }], channels: [{ name: 'general' }] });
    const small = world.emulator.installApp(other.id, { installerId: other.users.o!, scopes: ['chat:write'] });
    const smallClient = new WebClient(small.botToken, { slackApiUrl: world.emulator.apiUrl, retryConfig: { retries: 0 } });
    expect((await slackError(smallClient.chat.postMessage({ channel: other.channels.general!, text: 'x' }))).error).toBe('not_in_channel');
    expect(await slackError(smallClient.users.info({ user: other.users.o! }))).toMatchObject({ error: 'missing_scope', needed: 'users:read', provided: 'chat:write' });
  });

  it('checks Block Kit and length as Slack does', async () => {
    const general = world.ws.channels.general!;
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await slackError(client.chat.postMessage({ channel: general, text: 'x', blocks: tooMany }))).error).toBe('invalid_blocks');
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }];
    const data = await slackError(client.chat.postMessage({ channel: general, text: 'x', blocks: longSection }));
    expect(data).toMatchObject({ error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] });
    const longButton = [{ type: 'actions', elements: [{ type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'b'.repeat(76) } }] }];
    expect((await slackError(client.chat.postMessage({ channel: general, text: 'x', blocks: longButton }))).error).toBe('invalid_blocks');
    expect((await slackError(client.chat.postMessage({ channel: general, text: 'a'.repeat(40_001) }))).error).toBe('msg_too_long');
    expect((await slackError(client.chat.postMessage({ channel: general, text: '' }))).error).toBe('no_text');
    expect(world.emulator.messagesIn(general)).toEqual([]);
  });

  it('postEphemeral shows a message to one member of the channel only', async () => {
    const general = world.ws.channels.general!;
    const sam = world.ws.users.sam!;
    const res = await client.chat.postEphemeral({ channel: general, user: sam, text: 'only you' });
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(world.emulator.ephemeralsFor(sam, general).map((e) => e.text)).toEqual(['only you']);
    expect(world.emulator.ephemeralsFor(world.ws.users.dana!)).toEqual([]);
    expect((await slackError(client.chat.postEphemeral({ channel: world.ws.channels['desk-private']!, user: sam, text: 'x' }))).error).toBe('channel_not_found');
  });

  it('conversations.join takes public channels only, info and list see what the bot may see, list pages with a cursor', async () => {
    const privateId = world.ws.channels['desk-private']!;
    expect((await slackError(client.conversations.join({ channel: privateId }))).error).toBe('channel_not_found');
    world.emulator.state.workspace(world.ws.id).channels.get(privateId)!.members.add(world.install.botUserId);
    expect((await slackError(client.conversations.join({ channel: privateId }))).error).toBe('method_not_supported_for_channel_type');
    expect((await slackError(client.conversations.join({ channel: world.ws.channels.old! }))).error).toBe('is_archived');
    const joined = await client.conversations.join({ channel: world.ws.channels.general! });
    expect(joined.channel).toMatchObject({ id: world.ws.channels.general, is_member: true, name: 'general' });
    const again = await client.conversations.join({ channel: world.ws.channels.general! });
    expect(again.warning).toBe('already_in_channel');
    const info = await client.conversations.info({ channel: privateId });
    expect(info.channel).toMatchObject({ is_private: true, is_member: true, name: 'desk-private' });
    const first = await client.conversations.list({ limit: 2, types: 'public_channel,private_channel' });
    expect(first.channels?.map((c) => c.name)).toEqual(['general', 'alerts']);
    expect(first.response_metadata?.next_cursor).not.toBe('');
    const second = await client.conversations.list({ limit: 2, types: 'public_channel,private_channel', cursor: first.response_metadata!.next_cursor! });
    expect(second.channels?.map((c) => c.name)).toEqual(['desk-private', 'old']);
    expect(second.response_metadata?.next_cursor).toBe('');
    expect((await client.conversations.list({ exclude_archived: true })).channels?.map((c) => c.name)).toEqual(['general', 'alerts']);
    expect((await slackError(client.conversations.list({ cursor: 'bm9wZQ==' }))).error).toBe('invalid_cursor');
  });

  it('users.info tells admins and owners apart', async () => {
    const dana = await client.users.info({ user: world.ws.users.dana! });
    expect(dana.user).toMatchObject({ name: 'dana', is_admin: true, is_owner: true });
    expect((await client.users.info({ user: world.ws.users.alex! })).user).toMatchObject({ is_admin: true, is_owner: false });
    expect((await client.users.info({ user: world.ws.users.sam! })).user).toMatchObject({ is_admin: false, is_owner: false });
    expect((await slackError(client.users.info({ user: 'U000000000' }))).error).toBe('user_not_found');
  });

  it('refuses a missing, unknown, revoked or uninstalled token as Slack does', async () => {
    expect((await slackError(new WebClient(undefined, { slackApiUrl: world.emulator.apiUrl }).auth.test())).error).toBe('not_authed');
    expect((await slackError(new WebClient('xoxb-1-2-nope', { slackApiUrl: world.emulator.apiUrl }).auth.test())).error).toBe('invalid_auth');
    await world.emulator.revokeTokens(world.ws.id);
    expect((await slackError(client.auth.test())).error).toBe('token_revoked');
    const again = world.emulator.installApp(world.ws.id, { installerId: world.ws.users.dana! });
    const fresh = new WebClient(again.botToken, { slackApiUrl: world.emulator.apiUrl, retryConfig: { retries: 0 } });
    expect((await fresh.auth.test()).ok).toBe(true);
    expect((await fresh.apps.uninstall({ client_id: world.emulator.app.clientId, client_secret: world.emulator.app.clientSecret })).ok).toBe(true);
    expect((await slackError(fresh.auth.test())).error).toBe('account_inactive');
  });

  it('logs every call with its method, team, token kind, parameters (secrets hidden) and outcome', async () => {
    await client.chat.postMessage({ channel: world.ws.users.sam!, text: 'hi' });
    await client.chat.postMessage({ channel: 'C999999999', text: 'x' }).catch(() => undefined);
    const posts = world.emulator.callsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ team: world.ws.id, tokenKind: 'bot', ok: true, status: 200, params: { channel: world.ws.users.sam, text: 'hi' } });
    expect(posts[1]).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(JSON.stringify(world.emulator.calls)).not.toContain(world.install.botToken);
  });

  it('answers unknown methods unknown_method and puts x-slack-req-id on every answer', async () => {
    const res = await fetch(`${world.emulator.apiUrl}nope.method`, { method: 'POST', headers: { authorization: `Bearer ${world.install.botToken}` } });
    expect(res.headers.get('x-slack-req-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(await res.json()).toEqual({ ok: false, error: 'unknown_method' });
    const json = await fetch(`${world.emulator.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${world.install.botToken}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ channel: world.ws.users.dana, text: 'json body' }) });
    expect(await json.json()).toMatchObject({ ok: true, message: { text: 'json body' } });
  });
});
