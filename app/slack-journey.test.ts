// A workspace's journey on Slack, driving the Slack and Stripe emulators as its people would: install by OAuth, subscribe #alerts, pay, get alerts in Block Kit, lapse, revoke, reinstall, pay again.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMINS_ONLY } from '../bots/commands/workspace/workspace';
import { INSTALLATION_REVOKED } from '../core/tenancy/installations';
import { until } from '../core/testing/until';
import { alertsIn, channelRows, dmsTo, installByOAuth, linkButtons, payAt, postsTo, publishSignal, readable, signals } from './testing/slack-journey';
import { startSlackServiceWorld, type SlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-journey-signing-secret';
const DAY = 86_400_000;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

let seq = 0;
const signal = (symbol: string) => ({
  publisherId: `slack-journey-${++seq}`, symbol, market: 'crypto', side: 'long', conviction: 0.9,
  entry: 3150, stop: 3080, targets: [3250, 3400], horizon: '1-3 days', reasons: ['Breakout on volume'],
});

type InstallationRow = { tenant: string; revoked_at: number | null; revoked_reason: string | null; account_id: string | null };
const installation = (w: SlackServiceWorld) => w.service.db.$client.prepare('SELECT tenant, revoked_at, revoked_reason, account_id FROM installations WHERE platform = ? AND tenant = ?').get('slack', w.ws.id) as InstallationRow | undefined;
const auditCount = (w: SlackServiceWorld) => (w.service.db.$client.prepare('SELECT count(*) FROM audit_events').pluck().get() as number);
/** The workspace's live bot token on the emulator (what oauth.v2.access gave the service). */
const liveToken = (w: SlackServiceWorld) => [...w.slack.state.tokens.values()].find((t) => t.teamId === w.ws.id && t.kind === 'bot' && !t.dead)?.token;
/** A channel as Slack writes it in a command's text (`should_escape`). */
const channelRef = (w: SlackServiceWorld, name: string) => `<#${w.ws.channels[name]}|${name}>`;
/** Alerts to the workspace's channels still waiting in the outbox. */
const pendingAlerts = (w: SlackServiceWorld) => w.service.db.$client.prepare(`SELECT count(*) FROM deliveries r JOIN destinations d ON d.ref = r.destination_ref WHERE r.state = 'pending' AND r.content_type = 'signal' AND r.kind = 'alert' AND d.kind = 'channel'`).pluck().get() as number;
const tokenRefusals = (w: SlackServiceWorld) => w.slack.callsTo('chat.postMessage').filter((c) => c.error === 'token_revoked' || c.error === 'account_inactive' || c.error === 'invalid_auth');

/** The admin runs `/signals subscribe #alerts` and pays at the checkout link the answer carries; resolves once Stripe's webhooks are answered 200. The new subscription's id. */
async function subscribeAndPay(w: SlackServiceWorld, admin: string): Promise<string> {
  const { answer } = await signals(w, admin, `subscribe ${channelRef(w, 'alerts')}`);
  expect(answer.user).toBe(admin);
  const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
  if (!checkout) throw new Error(`no checkout link in: ${readable(answer)}`);
  const before = new Set(w.stripe.store.subscriptions.keys());
  expect(await payAt(checkout)).toBe(303);
  await w.stripe.whenWebhooksDelivered();
  expect(w.stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
  return [...w.stripe.store.subscriptions.keys()].find((id) => !before.has(id)) ?? '';
}

/** Publishes a signal and waits for its alert in the channel; everything queued is sent before it resolves. */
async function alertArrives(w: SlackServiceWorld, channel: string, symbol: string) {
  expect((await publishSignal(w, SECRET, signal(symbol))).status).toBe(202);
  const [alert] = await until(() => (alertsIn(w, channel, symbol).length > 0 ? alertsIn(w, channel, symbol) : undefined), `the ${symbol} alert in ${channel}`);
  await w.service.dispatcher.idle();
  return alert!;
}

/** A workspace installed by dana through OAuth, #alerts and #research subscribed and paid for; the alerts of a signal wait out a 429 (Retry-After 30 s) for both. */
async function paidWorkspaceWaitingOut429(w: SlackServiceWorld): Promise<void> {
  expect((await installByOAuth(w, w.ws.id, w.ws.users.dana!)).status).toBe(200);
  await subscribeAndPay(w, w.ws.users.dana!);
  await signals(w, w.ws.users.dana!, `subscribe ${channelRef(w, 'research')}`);
  await w.service.dispatcher.idle();
  w.slack.inject429(1, 'chat.postMessage', 30);
  expect((await publishSignal(w, SECRET, signal('ETHUSDT'))).status).toBe(202);
  await until(() => w.slack.callsTo('chat.postMessage').some((c) => c.status === 429), 'a 429');
  w.slack.inject429(0);
  await until(() => pendingAlerts(w) === 2, 'both channels\' alerts waiting');
}

describe('a workspace\'s journey on Slack', () => {
  it('installs by OAuth, pays from /signals subscribe #alerts, gets Block Kit alerts, refuses a member, lapses (told once), is revoked, reinstalls and resumes when paid again', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    const dana = w.ws.users.dana!;
    const sam = w.ws.users.sam!;
    const alerts = w.ws.channels.alerts!;

    // Install: GET /slack/install → Slack's authorize page → /slack/oauth_redirect; the installation is stored, its token never logged.
    const installed = await installByOAuth(w, w.ws.id, dana);
    expect(installed).toMatchObject({ status: 200, text: expect.stringContaining('Signalcast is installed in Acme Trading Desk') });
    expect(installation(w)).toMatchObject({ tenant: w.ws.id, revoked_at: null });
    expect(w.slack.callsTo('oauth.v2.access').map((c) => c.ok)).toEqual([true]);
    const token = liveToken(w);
    expect(token).toMatch(/^xoxb-/);

    // The owner subscribes #alerts: the bot joins it, the answer (to her alone) links to the enterprise checkout.
    const { answer } = await signals(w, dana, `subscribe ${channelRef(w, 'alerts')}`);
    expect(readable(answer)).toContain('#alerts is ready. Alerts start when the workspace subscribes');
    expect(w.slack.callsTo('conversations.join').map((c) => [c.params.channel, c.ok])).toEqual([[alerts, true]]);
    const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
    expect(checkout).toBeDefined();
    expect(await (await fetch(checkout!)).text()).toContain('Enterprise');
    expect(await payAt(checkout!)).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    expect(w.stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
    const subscriptionId = [...w.stripe.store.subscriptions.keys()][0]!;

    // A published alert arrives in #alerts in Block Kit: header, fields, the reasons as context, a text fallback.
    const alert = await alertArrives(w, alerts, 'ETHUSDT');
    expect(alert.text).toBe('LONG ETHUSDT at 3150 (band A): Breakout on volume');
    const blocks = alert.blocks as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(blocks[0]!.text!.text).toBe('🟢 LONG ETHUSDT · crypto');
    expect(blocks[1]!.fields!.map((f) => f.text)).toEqual(['Entry: 3150', 'Stop: 3080', 'Targets: 3250 · 3400', 'Conviction: 0.90', 'Band: A', 'Horizon: 1-3 days']);
    expect(blocks[2]!.elements!.map((e) => e.text)).toEqual(['• Breakout on volume']);
    expect(alertsIn(w, alerts, 'ETHUSDT')).toHaveLength(1);

    // A member's /signals unsubscribe #alerts is refused, to them alone, and changes nothing.
    const rowsBefore = channelRows(w);
    const auditBefore = auditCount(w);
    const refused = await signals(w, sam, `unsubscribe ${channelRef(w, 'alerts')}`);
    expect(readable(refused.answer)).toBe(ADMINS_ONLY);
    expect(refused.answer.user).toBe(sam);
    expect(w.slack.messagesIn(w.ws.channels.general!)).toEqual([]);
    expect(rowsBefore).toEqual([{ label: '#alerts', enabled: 1, disabled_reason: null }]);
    expect(channelRows(w)).toEqual(rowsBefore);
    expect(auditCount(w)).toBe(auditBefore);

    // Dana cancels in the billing portal /signals billing links to; at the period's end Stripe ends the subscription.
    const billing = await signals(w, dana, 'billing');
    const [portal] = linkButtons(billing.answer).filter((u) => u.startsWith(`${w.stripe.url}/`));
    expect(portal).toBeDefined();
    const page = await (await fetch(portal!)).text();
    const cancel = /<form method="post" action="([^"]+\/cancel)"/.exec(page)?.[1];
    expect((await fetch(new URL(cancel!, portal!), { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    const periodEnd = (w.stripe.subscription(subscriptionId).items.data[0]?.current_period_end ?? 0) * 1000;
    await w.clock.advance(periodEnd - DAY - w.clock.now());
    // A day before the end, alerts still arrive.
    await alertArrives(w, alerts, 'SOLUSDT');
    const dmsBefore = dmsTo(w, dana).length;
    expect((await w.stripe.periodEnds(subscriptionId)).status).toBe('canceled');
    await w.stripe.whenWebhooksDelivered();
    expect(w.stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);

    // The admin is told once, by a DM from the app; the next alert does not reach #alerts.
    const lapse = await until(() => dmsTo(w, dana).slice(dmsBefore)[0], 'the lapse DM to the admin');
    expect(lapse.text).toBe('The workspace\'s Enterprise subscription has ended, so its channels get no more alerts. A workspace admin can renew it with /signals billing.');
    expect((await publishSignal(w, SECRET, signal('ADAUSDT'))).status).toBe(202);
    await w.clock.advance(DAY);
    await w.service.billing!.reconcile();
    await w.service.dispatcher.idle();
    expect(alertsIn(w, alerts, 'ADAUSDT')).toEqual([]);
    expect(dmsTo(w, dana).slice(dmsBefore)).toHaveLength(1);

    // Slack revokes the workspace's tokens: the installation is revoked, its channel disabled, nothing more is posted there.
    const postsBefore = w.slack.callsTo('chat.postMessage').length;
    const revoked = await w.slack.revokeTokens(w.ws.id);
    expect(revoked.attempts.map((a) => a.status)).toEqual([200]);
    await until(() => installation(w)?.revoked_at !== null, 'the installation revoked');
    expect(installation(w)?.revoked_reason).toBe('tokens_revoked');
    expect(channelRows(w)).toEqual([{ label: '#alerts', enabled: 0, disabled_reason: INSTALLATION_REVOKED }]);
    expect((await publishSignal(w, SECRET, signal('XRPUSDT'))).status).toBe(202);
    await w.clock.advance(DAY);
    await w.service.dispatcher.idle();
    expect(w.slack.callsTo('chat.postMessage').length).toBe(postsBefore);

    // Reinstall through OAuth: the channel comes back; paying again makes alerts resume in #alerts.
    expect((await installByOAuth(w, w.ws.id, dana)).status).toBe(200);
    expect(installation(w)?.revoked_at).toBeNull();
    expect(channelRows(w)).toEqual([{ label: '#alerts', enabled: 1, disabled_reason: null }]);
    const second = await subscribeAndPay(w, dana);
    expect(second).not.toBe(subscriptionId);
    await alertArrives(w, alerts, 'DOTUSDT');
    expect(alertsIn(w, alerts, 'DOTUSDT')).toHaveLength(1);
    // The alerts published while lapsed or revoked never went out, then or after.
    expect(alertsIn(w, alerts, 'ADAUSDT')).toEqual([]);
    expect(alertsIn(w, alerts, 'XRPUSDT')).toEqual([]);

    // No token in any log line, the first install's or the reinstall's, nor the client secret.
    const logged = JSON.stringify(w.logger.records);
    expect(logged).not.toContain(token!);
    expect(logged).not.toContain(liveToken(w)!);
    expect(logged).not.toContain(w.slack.app.clientSecret);
    expect(w.slack.rateStats().postsInPenalty).toBe(0);
  });

  it('tells an admin how to invite the bot to a private channel, and disables an archived channel while another channel of the workspace still receives', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    const dana = w.ws.users.dana!;
    expect((await installByOAuth(w, w.ws.id, dana)).status).toBe(200);
    await subscribeAndPay(w, dana);
    const { alerts, research } = w.ws.channels as Record<string, string>;

    const invite = await signals(w, dana, `subscribe ${channelRef(w, 'desk-private')}`);
    expect(readable(invite.answer)).toMatch(/invite me with \/invite @signalcast/);
    expect(w.slack.callsTo('conversations.join').map((c) => c.params.channel)).not.toContain(w.ws.channels['desk-private']);
    expect(channelRows(w).map((r) => r.label)).toEqual(['#alerts']);

    expect(readable((await signals(w, dana, `subscribe ${channelRef(w, 'research')}`)).answer)).toContain('#research will get Enterprise alerts');
    await alertArrives(w, research!, 'ETHUSDT');
    expect(alertsIn(w, alerts!, 'ETHUSDT')).toHaveLength(1);

    // #research is archived in Slack: the next post there is refused is_archived and only its destination is disabled.
    w.slack.state.channel(w.ws.id, research!)!.isArchived = true;
    await alertArrives(w, alerts!, 'SOLUSDT');
    await until(() => channelRows(w).find((r) => r.label === '#research')?.enabled === 0, '#research disabled');
    expect(channelRows(w)).toEqual([
      { label: '#alerts', enabled: 1, disabled_reason: null },
      { label: '#research', enabled: 0, disabled_reason: expect.stringMatching(/archived|forbidden/) },
    ]);
    expect(postsTo(w, research!).map((p) => p.error ?? 'ok')).toEqual(['ok', 'is_archived']);
    // The next alert: #alerts gets it, #research is not tried again.
    await alertArrives(w, alerts!, 'BNBUSDT');
    expect(postsTo(w, research!)).toHaveLength(2);
    expect(installation(w)?.revoked_at).toBeNull();
  });

  it('drops the alerts still waiting out a 429 when tokens_revoked arrives: no post to the workspace after the event', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    await paidWorkspaceWaitingOut429(w);
    const postsBefore = w.slack.callsTo('chat.postMessage').length;

    expect((await w.slack.revokeTokens(w.ws.id)).attempts.map((a) => a.status)).toEqual([200]);
    await until(() => installation(w)?.revoked_at !== null, 'the installation revoked');
    expect(channelRows(w).map((r) => [r.label, r.enabled, r.disabled_reason])).toEqual([['#alerts', 0, INSTALLATION_REVOKED], ['#research', 0, INSTALLATION_REVOKED]]);
    for (let i = 0; i < 6; i += 1) await w.clock.advance(10 * 60_000);
    await w.service.dispatcher.idle();
    expect(tokenRefusals(w).length).toBeLessThanOrEqual(1);
    expect(w.slack.callsTo('chat.postMessage').length).toBe(postsBefore);
    expect(pendingAlerts(w)).toBe(0);
  });

  it('tries each waiting alert at most once when the tokens die before Slack says so, retries none, and sends none of them after a reinstall', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    await paidWorkspaceWaitingOut429(w);

    // The tokens die in Slack; the retries find them refused and the workspace is remembered (its installation marked revoked).
    for (const t of w.slack.state.tokens.values()) if (t.teamId === w.ws.id) t.dead = 'token_revoked';
    await w.clock.advance(31_000);
    await until(() => installation(w)?.revoked_at !== null, 'the installation marked revoked');
    await w.service.dispatcher.idle();
    const refusedAtFirst = tokenRefusals(w).length;
    // One refused call per alert already in flight at most (the two channels are sent side by side).
    expect(refusedAtFirst).toBeGreaterThanOrEqual(1);
    expect(refusedAtFirst).toBeLessThanOrEqual(2);
    // Then Slack's tokens_revoked event arrives, and time passes: nothing more is sent.
    const botUser = w.slack.state.workspace(w.ws.id).bot!.id;
    expect((await w.slack.sendEvent(w.ws.id, { type: 'tokens_revoked', tokens: { bot: [botUser], oauth: [] } })).attempts.map((a) => a.status)).toEqual([200]);
    for (let i = 0; i < 6; i += 1) await w.clock.advance(10 * 60_000);
    await w.service.dispatcher.idle();
    expect(tokenRefusals(w)).toHaveLength(refusedAtFirst);
    expect(w.slack.callsTo('chat.postMessage').filter((c) => c.ok && c.params.channel !== w.ws.users.dana)).toHaveLength(0);
    expect(channelRows(w).map((r) => [r.label, r.enabled])).toEqual([['#alerts', 0], ['#research', 0]]);

    // Reinstalled: the alert that waited through the revocation is stale and does not go out.
    expect((await installByOAuth(w, w.ws.id, w.ws.users.dana!)).status).toBe(200);
    expect(channelRows(w).map((r) => [r.label, r.enabled])).toEqual([['#alerts', 1], ['#research', 1]]);
    for (let i = 0; i < 3; i += 1) await w.clock.advance(10 * 60_000);
    await w.service.dispatcher.idle();
    expect(alertsIn(w, w.ws.channels.alerts!, 'ETHUSDT')).toEqual([]);
    expect(alertsIn(w, w.ws.channels.research!, 'ETHUSDT')).toEqual([]);
    expect(pendingAlerts(w)).toBe(0);
  });
});
