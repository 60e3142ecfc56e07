// The committed app manifest against the code: the command the adapter parses, the routes it mounts, the scopes it asks for and the events it handles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AdapterRoute } from '../../core/platform/adapter';
import { startSlackWorld } from './contract.fixtures';
import { createSlackAdapter } from './adapter';
import { BOT_EVENTS, BOT_SCOPES, EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH, SLASH_COMMAND } from './scopes';

interface Manifest {
  features: { slash_commands: { command: string; url: string; should_escape: boolean }[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

const manifest = parse(readFileSync(join(__dirname, 'manifest.yaml'), 'utf8')) as Manifest;
const pathOf = (url: string) => new URL(url).pathname;

describe('bots/slack/manifest.yaml', () => {
  it('declares the one command, escaped, at the events route', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: SLASH_COMMAND, url: 'https://YOUR_HOST/slack/events', should_escape: true })]);
  });

  it('asks for exactly the scopes the install link asks for, and subscribes to the events the adapter handles', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([...BOT_EVENTS]);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('points the event, interactivity and redirect URLs at the routes the adapter mounts', async () => {
    const w = await startSlackWorld();
    try {
      const routes: AdapterRoute[] = [];
      const adapter = createSlackAdapter({
        signingSecret: w.emulator.app.signingSecret, clientId: '1.2', clientSecret: 'c'.repeat(32), apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [],
      }, { ...w.context, publicUrl: 'https://signals.example.com' });
      adapter.routes!({ add: (r) => void routes.push(r) });
      const mounted = routes.map((r) => `${r.method} ${r.path}`);
      expect(mounted).toEqual([`POST ${EVENTS_PATH}`, `GET ${INSTALL_PATH}`, `GET ${REDIRECT_PATH}`]);
      for (const url of [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, manifest.features.slash_commands[0]!.url]) {
        expect(mounted).toContain(`POST ${pathOf(url)}`);
      }
      expect(manifest.oauth_config.redirect_urls.map((u) => `GET ${pathOf(u)}`)).toEqual([`GET ${REDIRECT_PATH}`]);
      // The install link asks Slack for the manifest's scopes.
      const install = routes.find((r) => r.path === INSTALL_PATH)!;
      const answer = await install.handle({ headers: {}, query: {}, rawBody: Buffer.alloc(0) });
      expect(new URL(answer.headers!.location!).searchParams.get('scope')).toBe(manifest.oauth_config.scopes.bot.join(','));
    } finally {
      await w.stop();
    }
  });

  it('holds the scopes the calls need: the emulator refuses a call whose scope is missing, and the Slack suite runs with exactly these', async () => {
    const w = await startSlackWorld();
    try {
      expect(w.install.scopes).toEqual([...BOT_SCOPES]);
      const ws = w.emulator.createWorkspace({ name: 'Short', users: [{ name: 'o', isOwner: true }], channels: [{ name: 'lobby' }] });
      const narrow = w.emulator.installApp(ws.id, { installerId: ws.users.o!, scopes: BOT_SCOPES.filter((s) => s !== 'channels:join') });
      const res = await fetch(`${w.emulator.apiUrl}conversations.join`, { method: 'POST', headers: { authorization: `Bearer ${narrow.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: ws.channels.lobby }) });
      expect(await res.json()).toMatchObject({ ok: false, error: 'missing_scope' });
    } finally {
      await w.stop();
    }
  });
});
