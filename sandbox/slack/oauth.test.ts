// OAuth v2 install through the emulator: "Allow" gives a code on the redirect URI, oauth.v2.access
// (the real WebClient) trades it once for a bot token, and refuses bad secrets, reused or expired codes.
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { OAUTH_CODE_MS } from './installs';
import { startSlackEmulator, type SlackEmulator } from './emulator';

let emulator: SlackEmulator | undefined;

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function setup(clock = new FakeClock()) {
  const emu = await startSlackEmulator({ clock });
  emulator = emu;
  emu.configureApp({ clientId: '111.222', clientSecret: 'client-secret', redirectUrls: ['http://127.0.0.1:9/slack/oauth_redirect'] });
  const ws = emu.createWorkspace({ name: 'Acme Trading Desk', users: [{ name: 'dana', isOwner: true }, { name: 'sam' }], channels: [{ name: 'general' }] });
  const client = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  return { emu, ws, client, clock };
}

const redirectUri = 'http://127.0.0.1:9/slack/oauth_redirect';

async function errorOf(call: Promise<unknown>): Promise<string | undefined> {
  const err = (await call.then(() => undefined, (e: unknown) => e)) as WebAPIPlatformError | undefined;
  return err?.data.error;
}

describe('Slack OAuth v2', () => {
  it('trades the code from "Allow" for a bot token, once', async () => {
    const { emu, ws, client } = await setup();
    const redirect = new URL(emu.authorize({ team: ws.id, user: ws.users.dana!, scopes: ['commands', 'chat:write'], redirectUri, state: 's-1' }));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(redirectUri);
    expect(redirect.searchParams.get('state')).toBe('s-1');
    const code = redirect.searchParams.get('code')!;
    const res = await client.oauth.v2.access({ client_id: '111.222', client_secret: 'client-secret', code, redirect_uri: redirectUri });
    expect(res).toMatchObject({ ok: true, token_type: 'bot', scope: 'commands,chat:write', team: { id: ws.id, name: 'Acme Trading Desk' }, enterprise: null, authed_user: { id: ws.users.dana }, is_enterprise_install: false, app_id: emu.app.id });
    expect(res.access_token).toMatch(/^xoxb-/);
    const bot = new WebClient(res.access_token, { slackApiUrl: emu.apiUrl });
    expect(await bot.auth.test()).toMatchObject({ team_id: ws.id, user_id: res.bot_user_id });
    expect(await errorOf(client.oauth.v2.access({ client_id: '111.222', client_secret: 'client-secret', code, redirect_uri: redirectUri }))).toBe('invalid_code');
    expect(JSON.stringify(emu.calls)).not.toContain('client-secret');
  });

  it('refuses a wrong client secret or id, an unknown or expired code', async () => {
    const { emu, ws, client, clock } = await setup();
    const code = () => new URL(emu.authorize({ team: ws.id, user: ws.users.dana!, redirectUri })).searchParams.get('code')!;
    expect(await errorOf(client.oauth.v2.access({ client_id: '111.222', client_secret: 'wrong', code: code() }))).toBe('bad_client_secret');
    expect(await errorOf(client.oauth.v2.access({ client_id: '999', client_secret: 'client-secret', code: code() }))).toBe('invalid_client_id');
    expect(await errorOf(client.oauth.v2.access({ client_id: '111.222', client_secret: 'client-secret', code: 'nope' }))).toBe('invalid_code');
    const old = code();
    await clock.advance(OAUTH_CODE_MS + 1);
    expect(await errorOf(client.oauth.v2.access({ client_id: '111.222', client_secret: 'client-secret', code: old }))).toBe('invalid_code');
    expect(() => emu.authorize({ team: ws.id, user: ws.users.dana!, redirectUri: 'http://127.0.0.1:9/elsewhere' })).toThrow(/bad_redirect_uri/);
  });

  it('serves an install page whose Allow button redirects with a code', async () => {
    const { emu, ws } = await setup();
    const query = new URLSearchParams({ client_id: '111.222', scope: 'commands,chat:write', redirect_uri: redirectUri, state: 'abc', team: ws.id, user: ws.users.sam! });
    const page = await fetch(`${emu.authorizeUrl}?${query}`);
    const html = await page.text();
    expect(html).toContain('Allow');
    expect(html).toContain(`value="${ws.id}:${ws.users.sam}" selected`);
    const allow = await fetch(`${emu.url}/oauth/v2/authorize/allow`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ person: `${ws.id}:${ws.users.sam}`, client_id: '111.222', scope: 'commands,chat:write', redirect_uri: redirectUri, state: 'abc' }).toString(),
    });
    expect(allow.status).toBe(302);
    const location = new URL(allow.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('code')).toBeTruthy();
    expect((await fetch(`${emu.authorizeUrl}?client_id=wrong`)).status).toBe(400);
  });
});
