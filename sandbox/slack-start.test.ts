// The sandbox's Slack: the emulator with the demo workspace and the app set up for OAuth, the
// settings that point the service at it, its own SECRETS_KEY, and an install that survives a restart.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService } from '../app/service';
import { loadConfig } from '../config';
import { DEFAULT_PLANS } from '../core/plans';
import { silentLogger } from '../core/logger';
import { recordingLogger } from '../core/testing/logger';
import { until } from '../core/testing/until';
import { SecretBox } from '../core/tenancy/secret-box';
import { openDatabase } from '../db/client';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import { idleCron } from '../schedules/testing/idle-cron';
import { startSandbox, type Sandbox } from './index';
import { DEMO_WORKSPACE } from './slack';
import { readSandboxState, withSandboxEmulators } from './state-file';
import { systemClock } from '../core/clock';

const running: Sandbox[] = [];
afterEach(async () => {
  for (const s of running.splice(0).reverse()) await s.stop();
});

const LOCAL = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' };

describe('the sandbox\'s Slack', () => {
  it('starts the emulator with Acme Trading Desk and points the Slack settings at it, with a key and a public URL for the OAuth install', async () => {
    const sandbox = await startSandbox({ config: loadConfig(LOCAL), plans: DEFAULT_PLANS, logger: silentLogger });
    running.push(sandbox);
    const slack = sandbox.slack!;
    expect(slack.workspace).toMatchObject({ id: DEMO_WORKSPACE.id, name: 'Acme Trading Desk', users: DEMO_WORKSPACE.users, channels: DEMO_WORKSPACE.channels });
    const ws = slack.emulator.state.workspace(DEMO_WORKSPACE.id);
    expect(ws.users.get(DEMO_WORKSPACE.users.dana)).toMatchObject({ isOwner: true, isAdmin: true });
    expect(ws.users.get(DEMO_WORKSPACE.users.sam)).toMatchObject({ isOwner: false, isAdmin: false });
    expect(ws.channels.get(DEMO_WORKSPACE.channels['desk-private'])).toMatchObject({ isPrivate: true });
    expect(ws.installed).toBe(false);
    const app = slack.emulator.app;
    expect(sandbox.config.slack).toMatchObject({ signingSecret: app.signingSecret, clientId: app.clientId, clientSecret: app.clientSecret, apiUrl: slack.emulator.apiUrl, authorizeUrl: slack.emulator.authorizeUrl, botToken: undefined });
    expect(sandbox.config.slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(sandbox.config.secretsKey).toHaveLength(32);
    expect(sandbox.config.port).toBeGreaterThan(0);
    expect(sandbox.config.publicUrl).toBe(`http://127.0.0.1:${sandbox.config.port}`);
    // The settings the config module would accept as they are.
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: app.signingSecret, SLACK_CLIENT_ID: app.clientId, SLACK_CLIENT_SECRET: app.clientSecret, SECRETS_KEY: 'a'.repeat(64), PUBLIC_URL: 'http://127.0.0.1:1' })).not.toThrow();
    sandbox.attach('http://127.0.0.1:4321/');
    expect(slack.emulator.app.requestUrl).toBe('http://127.0.0.1:4321/slack/events');
    expect(slack.emulator.app.redirectUrls).toEqual([`http://127.0.0.1:${sandbox.config.port}/slack/oauth_redirect`]);
  });

  it('keeps its own SECRETS_KEY beside the database (0600), writes Slack to sandbox.json, and knows the install again after a restart', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sc-sandbox-slack-')), 'data');
    const config = loadConfig({ ...LOCAL, DATABASE_URL: `file:${join(dataDir, 'signalcast.db')}` });
    const logger = recordingLogger();
    const first = await startSandbox({ config, plans: DEFAULT_PLANS, logger, useDataFolder: true });
    running.push(first);
    const keyFile = join(dataDir, 'sandbox-secrets.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keyText = readFileSync(keyFile, 'utf8').trim();
    expect(Buffer.from(keyText, 'base64')).toEqual(Buffer.from(first.config.secretsKey!));
    const state = readSandboxState(join(dataDir, 'sandbox.json'));
    expect(state.running && state.state.slack).toMatchObject({ apiUrl: first.slack!.emulator.apiUrl, clientId: first.slack!.emulator.app.clientId });
    const filled = state.running ? withSandboxEmulators(config, state.state) : undefined;
    expect(filled?.used).toContain('slack');
    expect(filled?.config).toMatchObject({ slack: { clientId: first.slack!.emulator.app.clientId, apiUrl: first.slack!.emulator.apiUrl }, secretsKey: first.config.secretsKey });

    // Install through the service's /slack/install and "Allow", as the console does.
    const service = await prepareService({ config: first.config, logger, plans: first.plans, cron: idleCron });
    try {
      first.attach(await service.start());
      const res = await fetch(`${first.consoleUrl}slack/install`, { method: 'POST', redirect: 'manual' });
      expect(res.status).toBe(303);
      await until(() => first.slack!.emulator.state.workspace(DEMO_WORKSPACE.id).installed || undefined, 'the install');
    } finally {
      await service.stop();
    }
    await first.stop();
    running.splice(0);

    const db = openDatabase(config.databaseUrl);
    const install = await new SqliteInstallationStore({ db, clock: systemClock, secrets: new SecretBox(new Uint8Array(Buffer.from(keyText, 'base64'))) }).get('slack', DEMO_WORKSPACE.id);
    db.$client.close();
    const token = install!.botToken!.reveal();

    const second = await startSandbox({ config, plans: DEFAULT_PLANS, logger, useDataFolder: true });
    running.push(second);
    expect(Buffer.from(second.config.secretsKey!)).toEqual(Buffer.from(keyText, 'base64'));
    const client = new WebClient(token, { slackApiUrl: second.slack!.emulator.apiUrl });
    expect(await client.auth.test()).toMatchObject({ ok: true, team_id: DEMO_WORKSPACE.id, user_id: install!.botUserId });
    expect(logger.records.some((r) => r.msg?.includes('the Slack emulator knows the app\'s install in the demo workspace again'))).toBe(true);
    const logged = JSON.stringify(logger.records);
    expect(logged).not.toContain(keyText);
    expect(logged).not.toContain(token);
  });
});
