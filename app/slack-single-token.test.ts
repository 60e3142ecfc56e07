// The simple Slack setup: one workspace on SLACK_BOT_TOKEN, no OAuth and no SECRETS_KEY; its admins subscribe channels and pay as an installed workspace's do.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { alertsIn, linkButtons, payAt, publishSignal, readable, signals } from './testing/slack-journey';
import { startSlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-single-token-signing-secret';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

describe('Slack on SLACK_BOT_TOKEN alone', () => {
  it('records the token\'s workspace at start without storing its token, so /signals subscribe #alerts works there, and a paid alert arrives in #alerts', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, singleToken: true });
    expect(w.config.secretsKey).toBeUndefined();
    const row = w.service.db.$client.prepare('SELECT tenant, tenant_name, bot_token_sealed, revoked_at FROM installations WHERE platform = ?').all('slack');
    expect(row).toEqual([{ tenant: w.ws.id, tenant_name: 'Acme Trading Desk', bot_token_sealed: '', revoked_at: null }]);
    expect(w.service.db.$client.prepare('SELECT count(*) FROM installations').pluck().get()).toBe(1);

    const alerts = w.ws.channels.alerts!;
    const { answer } = await signals(w, w.ws.users.dana!, `subscribe <#${alerts}|alerts>`);
    expect(readable(answer)).toContain('#alerts is ready. Alerts start when the workspace subscribes');
    expect(w.slack.callsTo('conversations.join').map((c) => [c.params.channel, c.ok])).toEqual([[alerts, true]]);
    const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
    expect(await payAt(checkout!)).toBe(303);
    await w.stripe.whenWebhooksDelivered();

    expect((await publishSignal(w, SECRET, { publisherId: 'single-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, entry: 1, stop: 0.9, targets: [1.2], reasons: ['Trend'] })).status).toBe(202);
    await until(() => alertsIn(w, alerts, 'BTCUSDT')[0], 'the alert in #alerts');
    await w.service.dispatcher.idle();
    expect(alertsIn(w, alerts, 'BTCUSDT')).toHaveLength(1);
  });

  it('stops the workspace\'s channels when its tokens are revoked: the next alert is not posted there', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, singleToken: true });
    const alerts = w.ws.channels.alerts!;
    await signals(w, w.ws.users.dana!, `subscribe <#${alerts}|alerts>`);
    const accountId = w.service.db.$client.prepare('SELECT account_id FROM installations').pluck().get() as string;
    expect(accountId).toMatch(/^acc_/);
    await w.slack.revokeTokens(w.ws.id);
    await until(() => w.service.db.$client.prepare('SELECT revoked_reason FROM installations').pluck().get() === 'tokens_revoked' || undefined, 'the installation revoked');
    expect(w.service.db.$client.prepare('SELECT enabled, disabled_reason FROM destinations WHERE tenant = ?').all(w.ws.id)).toEqual([{ enabled: 0, disabled_reason: 'installation_revoked' }]);
    const posts = w.slack.callsTo('chat.postMessage').length;
    expect((await publishSignal(w, SECRET, { publisherId: 'single-2', symbol: 'ETHUSDT', market: 'crypto', side: 'long', conviction: 0.9, entry: 1, stop: 0.9, targets: [1.2], reasons: ['Trend'] })).status).toBe(202);
    await w.service.dispatcher.idle();
    expect(w.slack.callsTo('chat.postMessage').length).toBe(posts);
  });
});
