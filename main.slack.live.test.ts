// The service on Slack as an operator runs it: `main.ts start` with real-looking Slack settings and SLACK_API_URL pointed at an emulator this test runs; no sandbox.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { liveSettings, LiveRuns, postStripeEvent } from './app/testing/main-process';
import { installByOAuth } from './app/testing/slack-journey';
import { createCustomerWorkspace, freePort } from './app/testing/slack-world';
import { BOT_SCOPES } from './bots/slack/scopes';
import { startSlackEmulator, type SlackEmulator, type WorkspaceView } from './sandbox/slack';
import { startStripeEmulator, type StripeEmulator } from './sandbox/stripe';

const SHUTDOWN_TIMEOUT_MS = 4_000;

const live = new LiveRuns();
afterEach(() => live.stopAll());

interface World {
  slack: SlackEmulator;
  ws: WorkspaceView;
  stripe: StripeEmulator;
  /** The service's address, its PUBLIC_URL. */
  url: string;
  /** Settings shared by every setup: the database, Stripe, the port and the shutdown budget. */
  base: Record<string, string>;
  /** The OAuth setup: signing secret, client id and secret, SECRETS_KEY, PUBLIC_URL, the emulator's URLs. */
  oauth: Record<string, string>;
}

/** A Slack emulator whose app's request URL is the service's, a workspace, a Stripe emulator, and the settings of a live-looking service. */
async function world(): Promise<World> {
  const slack = await startSlackEmulator();
  live.onStop(() => slack.stop());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  slack.configureApp({ scopes: [...BOT_SCOPES], requestUrl: `${url}/slack/events`, redirectUrls: [`${url}/slack/oauth_redirect`] });
  const ws = createCustomerWorkspace(slack);
  const stripe = await startStripeEmulator();
  live.onStop(() => stripe.stop());
  const base = { ...liveSettings('slack', stripe, SHUTDOWN_TIMEOUT_MS), PORT: String(port) };
  const oauth = {
    SLACK_SIGNING_SECRET: slack.app.signingSecret, SLACK_CLIENT_ID: slack.app.clientId, SLACK_CLIENT_SECRET: slack.app.clientSecret,
    SECRETS_KEY: randomBytes(32).toString('base64'), PUBLIC_URL: url, SLACK_API_URL: slack.apiUrl, SLACK_AUTHORIZE_URL: slack.authorizeUrl,
  };
  return { slack, ws, stripe, url, base, oauth };
}

/** Everything secret in the settings: none may be printed. */
const secretsOf = (w: World, env: Record<string, string>) => [w.slack.app.signingSecret, w.slack.app.clientSecret, env.SECRETS_KEY, env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN].filter((s): s is string => Boolean(s));

/** `/signals help` by dana in #general: the HTTP status Slack got and the answer posted to the response_url. */
async function helpAnswered(w: World): Promise<{ status: number; timedOut: boolean; text: string }> {
  const run = await w.slack.slashCommand({ team: w.ws.id, user: w.ws.users.dana!, channel: w.ws.channels.general!, text: 'help' });
  const [post] = await run.responses(1, 10_000);
  return { status: run.status, timedOut: run.timedOut, text: post?.ephemeral?.text ?? '' };
}

describe('signalcast start on Slack outside sandbox mode', () => {
  it('installs per workspace by OAuth, answers /readyz 200 naming slack, answers a signed slash command through its HTTP port, and on SIGTERM exits 0 promptly', async () => {
    const w = await world();
    const env = { ...w.base, ...w.oauth };
    const service = await live.startService(env);
    expect(service.url).toBe(w.url);
    await service.waitFor((l) => String(l.msg).startsWith('Slack app started'));
    expect(service.lines.some((l) => /sandbox|emulator/i.test(String(l.msg)))).toBe(false);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', slack: 'ok' } });
    expect(service.lines.find((l) => String(l.msg).startsWith('Signalcast listening'))).toMatchObject({ platforms: ['slack'], billing: 'stripe' });

    expect(await installByOAuth(w, w.ws.id, w.ws.users.dana!)).toMatchObject({ status: 200 });
    const help = await helpAnswered(w);
    expect(help).toMatchObject({ status: 200, timedOut: false });
    expect(help.text).toContain('/signals subscribe');
    // A forged request through the same port is refused.
    const forged = await w.slack.slashCommand({ team: w.ws.id, user: w.ws.users.dana!, channel: w.ws.channels.general!, text: 'help', signWith: 'another-signing-secret-0000' });
    expect(forged.status).toBe(401);

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    expect(service.stderr.join('')).toBe('');
    const printed = JSON.stringify(service.lines);
    const token = [...w.slack.state.tokens.values()].find((t) => t.kind === 'bot' && t.teamId === w.ws.id)!.token;
    for (const secret of [...secretsOf(w, env), token]) expect(printed).not.toContain(secret);
  }, 40_000);

  it('with Slack unreachable at start names slack on /readyz, serves HTTP and the Stripe webhook, and stops within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world();
    const { botToken } = w.slack.installApp(w.ws.id, { installerId: w.ws.users.dana! });
    const env = { ...w.base, SLACK_SIGNING_SECRET: w.slack.app.signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: w.slack.apiUrl };
    // Nothing listens at SLACK_API_URL.
    await w.slack.stop();
    const service = await live.startService(env);
    const failure = await service.waitFor((l) => String(l.msg).startsWith('slack could not be started'), 30_000);
    expect(failure).toMatchObject({ level: 50, platform: 'slack' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok', slack: expect.stringMatching(/^unreachable/) } });
    expect(await postStripeEvent(service.url, w.stripe.webhookSecret, 'evt_slack_live_1')).toBe(200);

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    for (const secret of secretsOf(w, env)) expect(JSON.stringify(service.lines)).not.toContain(secret);
  }, 40_000);

  it('over Socket Mode (SLACK_APP_TOKEN) receives a command on the socket and answers it, with no request URL', async () => {
    const w = await world();
    w.slack.configureApp({ socketMode: true, requestUrl: undefined });
    const { botToken } = w.slack.installApp(w.ws.id, { installerId: w.ws.users.dana! });
    const env = { ...w.base, SLACK_SIGNING_SECRET: w.slack.app.signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: w.slack.app.appToken, SLACK_API_URL: w.slack.apiUrl };
    const service = await live.startService(env);
    await service.waitFor((l) => String(l.msg).startsWith('Slack bot'), 20_000);
    expect(await (await fetch(`${service.url}/readyz`)).json()).toMatchObject({ checks: { slack: 'ok' } });
    const run = await w.slack.slashCommand({ team: w.ws.id, user: w.ws.users.dana!, channel: w.ws.channels.general!, text: 'help' });
    expect(run.via).toBe('socket');
    expect(run.status).toBe(200);
    const [post] = await run.responses(1, 10_000);
    expect(post?.ephemeral?.text).toContain('/signals subscribe');
    // No HTTP request URL is served in Socket Mode.
    expect((await fetch(`${service.url}/slack/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    for (const secret of secretsOf(w, env)) expect(JSON.stringify(service.lines)).not.toContain(secret);
  }, 40_000);
});

describe('a Slack start that cannot work says why and exits 78', () => {
  it('exits 78 naming SECRETS_KEY when the OAuth setup has no key to seal the workspaces\' tokens', async () => {
    const w = await world();
    const { SECRETS_KEY: _key, ...env } = { ...w.base, ...w.oauth };
    const result = await live.runToExit(env);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('SECRETS_KEY');
    expect(result.stderr + result.stdout).not.toContain(w.slack.app.clientSecret);
  });

  it('exits 78 naming SLACK_BOT_TOKEN when Slack refuses the token, without printing it', async () => {
    const w = await world();
    const wrong = 'xoxb-1111-2222-wrongwrongwrongwrong';
    const result = await live.runToExit({ ...w.base, SLACK_SIGNING_SECRET: w.slack.app.signingSecret, SLACK_BOT_TOKEN: wrong, SLACK_API_URL: w.slack.apiUrl });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN');
    expect(result.stderr).toMatch(/refused the token/);
    expect(result.stderr + result.stdout).not.toContain('wrongwrongwrong');
  });
});
