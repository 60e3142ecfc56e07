// The OAuth v2 install against the Slack emulator: a state that is random, single-use, 10 minutes long and bound to the browser; the installation stored; a reinstall that brings a dead workspace back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../core/clock';
import type { Signal } from '../../core/types';
import { serveRoutes, type RouteServer } from '../contract/route-server';
import { createSlackAdapter, type SlackAdapter } from './adapter';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';
import { BOT_SCOPES } from './scopes';

let w: SlackWorld;
let server: RouteServer;
let adapter: SlackAdapter;
let now: number;

beforeEach(async () => {
  now = Date.now();
  const clock: Clock = { now: () => now, sleep: systemClock.sleep };
  w = await startSlackWorld();
  server = await serveRoutes();
  adapter = createSlackAdapter({
    signingSecret: w.emulator.app.signingSecret, clientId: w.emulator.app.clientId, clientSecret: w.emulator.app.clientSecret,
    apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [],
  }, { ...w.context, clock, publicUrl: server.url });
  adapter.routes!(server.registrar);
});
afterEach(async () => {
  await server.close();
  await w.stop();
});

/** GET /slack/install as a browser: where it is sent, and its state cookie. */
async function beginInstall(): Promise<{ location: URL; cookie: string; setCookie: string }> {
  const res = await fetch(`${server.url}/slack/install`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { location: new URL(res.headers.get('location') ?? ''), cookie: setCookie.split(';')[0] ?? '', setCookie };
}

const newWorkspace = () => w.emulator.createWorkspace({ name: 'Gamma Capital', users: [{ name: 'olga', isOwner: true }], channels: [{ name: 'alerts' }] });

describe('Slack OAuth install', () => {
  it('sends the admin to Slack with the client id, the manifest scopes, the redirect URL and a state set in an HttpOnly cookie', async () => {
    const { location, setCookie } = await beginInstall();
    expect(`${location.origin}${location.pathname}`).toBe(w.emulator.authorizeUrl);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: w.emulator.app.clientId, scope: BOT_SCOPES.join(','), state: expect.stringMatching(/^[\w-]{32}$/), redirect_uri: `${server.url}/slack/oauth_redirect`,
    });
    expect(setCookie).toMatch(new RegExp(`^slack_oauth_state=${location.searchParams.get('state')}; Path=/slack; HttpOnly; SameSite=Lax; Max-Age=600`));
    expect((await beginInstall()).location.searchParams.get('state')).not.toBe(location.searchParams.get('state'));
  });

  it('stores the installation and says how to go on; the same link again is refused', async () => {
    const ws = newWorkspace();
    const { location, cookie } = await beginInstall();
    const back = w.emulator.authorize({ team: ws.id, user: ws.users.olga!, redirectUri: location.searchParams.get('redirect_uri')!, state: location.searchParams.get('state')!, scopes: [...BOT_SCOPES] });
    const res = await fetch(back, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Signalcast is installed in Gamma Capital. In Slack, run /signals subscribe #channel');
    const saved = await w.installations.get('slack', ws.id);
    expect(saved).toMatchObject({ tenant: ws.id, tenantName: 'Gamma Capital', installerPlatformUserId: ws.users.olga, scopes: [...BOT_SCOPES], revokedAt: null });
    expect(saved!.botUserId).toMatch(/^U/);
    expect(saved!.botToken?.reveal()).toMatch(/^xoxb-/);
    expect(w.emulator.callsTo('oauth.v2.access')).toHaveLength(1);
    const again = await fetch(back, { headers: { cookie } });
    expect(again.status).toBe(403);
    expect(w.emulator.callsTo('oauth.v2.access')).toHaveLength(1);
  });

  it('refuses a forged state, a missing or another browser\'s cookie, and an expired state, with 403, no call to Slack and nothing stored', async () => {
    const ws = newWorkspace();
    const redirect = (state: string) => w.emulator.authorize({ team: ws.id, user: ws.users.olga!, redirectUri: `${server.url}/slack/oauth_redirect`, state });
    const mine = await beginInstall();
    const theirs = await beginInstall();
    const forged = await fetch(redirect('forged-state-value-0000000000000'), { headers: { cookie: 'slack_oauth_state=forged-state-value-0000000000000' } });
    const noCookie = await fetch(redirect(mine.location.searchParams.get('state')!));
    const otherBrowser = await fetch(redirect(theirs.location.searchParams.get('state')!), { headers: { cookie: mine.cookie } });
    const late = await beginInstall();
    now += 10 * 60_000 + 1;
    const expired = await fetch(redirect(late.location.searchParams.get('state')!), { headers: { cookie: late.cookie } });
    for (const res of [forged, noCookie, otherBrowser, expired]) expect(res.status).toBe(403);
    expect(await expired.text()).toContain('expired');
    expect(w.emulator.callsTo('oauth.v2.access')).toEqual([]);
    expect(await w.installations.get('slack', ws.id)).toBeNull();
  });

  it('shows a clear page when the admin cancels in Slack, and stores nothing', async () => {
    const { location, cookie } = await beginInstall();
    const res = await fetch(`${server.url}/slack/oauth_redirect?error=access_denied&state=${location.searchParams.get('state')}`, { headers: { cookie } });
    expect(await res.text()).toContain('The install was cancelled in Slack. Nothing was changed.');
    expect(w.emulator.callsTo('oauth.v2.access')).toEqual([]);
    expect(await w.installations.list()).toEqual([]);
  });

  it('brings a workspace whose token died back on reinstall: sends go through again', async () => {
    const ws = newWorkspace();
    const install = async () => {
      const { location, cookie } = await beginInstall();
      const back = w.emulator.authorize({ team: ws.id, user: ws.users.olga!, redirectUri: `${server.url}/slack/oauth_redirect`, state: location.searchParams.get('state')!, scopes: [...BOT_SCOPES] });
      expect((await fetch(back, { headers: { cookie } })).status).toBe(200);
    };
    await install();
    w.botJoins(ws.channels.alerts!, ws.id);
    const to = { platform: 'slack', tenant: ws.id, chatId: ws.channels.alerts! };
    const signal: Signal = { id: 's', publisherId: 'p', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.7, band: 'B', reasons: ['r'], createdAt: new Date() };
    await w.emulator.revokeTokens(ws.id);
    await expect(adapter.sender.send(to, { kind: 'alert', signal })).rejects.toMatchObject({ reason: 'unauthorized' });
    expect((await w.installations.get('slack', ws.id))?.revokedAt).not.toBeNull();
    now += 1_000;
    await install();
    w.botJoins(ws.channels.alerts!, ws.id);
    await adapter.sender.send(to, { kind: 'alert', signal });
    expect(w.emulator.messagesIn(ws.channels.alerts!)).toHaveLength(1);
  });
});
