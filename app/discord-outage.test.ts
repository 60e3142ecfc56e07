// Discord down while a payment arrives: every Stripe webhook is answered at once, the grant waits in its durable access job and lands when Discord answers again; Telegram goes on meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { GRANTED_TEXT } from '../bots/discord/access';
import { until } from '../core/testing/until';
import { dmsTo, linkButtons, mirrorStatus, payAt, publishSignal, runCommand } from './testing/discord-journey';
import { DEMO_GUILD, startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';
import { newcomerAsksPlans, startSideTelegram } from './testing/side-telegram';

const SECRET = 'discord-outage-signing-secret';
/** Stripe counts an answer slower than this as a failed delivery (it waits longer; this test asks for 1 s). */
const WEBHOOK_TIMEOUT_MS = 1_000;
/** The job runner's first wait after a failure (its default). */
const FIRST_RETRY_MS = 5_000;
const TELEGRAM_USER = 4242;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

type Job = { state: string; attempts: number; due_at: number; last_error: string | null; outcome: string | null };
function job(w: DiscordServiceWorld): Job {
  return w.service.db.$client.prepare('select state, attempts, due_at, last_error, outcome from access_jobs order by rowid desc limit 1').get() as Job;
}

const hasVip = (w: DiscordServiceWorld, userId: string) => w.discord.memberRoles(w.guild.id, userId)?.includes(DEMO_GUILD.vipRole) ?? false;

describe('a Discord outage while a payment arrives', () => {
  it('answers every Stripe webhook within 1 s while Discord refuses connections and then hangs, keeps Telegram answering, grants the role once Discord answers again, and expires the alert it held too long', async () => {
    const { telegram, settings } = await startSideTelegram(running);
    // A Discord call that hangs counts as failed after 2 s (real time), so the test need not wait out discord.js's 15 s.
    const w = await startDiscordServiceWorld(running, {
      signingSecret: SECRET, webhookTimeoutMs: WEBHOOK_TIMEOUT_MS, accessJobs: { jobTimeoutMs: 2_000 },
      settings,
    });
    // Whatever happens in the test, the outage ends before the service stops.
    running.push(async () => {
      w.discord.server.clearFaults();
      await w.discord.server.resume();
    });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const [checkout] = linkButtons(await runCommand(w, ada, 'subscribe', 'vip'));
    expect(checkout?.url.startsWith(w.stripe.url)).toBe(true);

    // Discord refuses connections (REST and gateway) while the payment's webhooks arrive.
    await w.discord.server.pause();
    expect(await payAt(checkout!.url)).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    const subscriptionId = [...w.stripe.store.subscriptions.keys()][0] ?? '';
    expect(mirrorStatus(w, subscriptionId)).toBe('active');
    // The access job was committed with the change, tried once against the refused connection, and waits to retry.
    await until(() => job(w).attempts >= 1 && job(w).state === 'pending', 'the access job to fail once and wait');
    expect(job(w).last_error).toMatch(/ECONNREFUSED|connect|network|reach/i);

    // Discord listens again but hangs every REST call; a renewal's webhooks arrive meanwhile.
    await w.discord.server.resume();
    w.discord.server.failNext({ kind: 'hang' }, { count: 10_000, match: (req) => req.path.startsWith('/api/') });
    expect((await w.stripe.renewalSucceeds(subscriptionId)).status).toBe('active');
    await w.stripe.whenWebhooksDelivered();
    // Discord hanging holds nothing else: Telegram answers a newcomer, the ingest API takes a signal, the alert waits on Discord alone.
    expect(await newcomerAsksPlans(telegram, TELEGRAM_USER)).toContain('VIP');
    expect((await publishSignal(w, SECRET, { publisherId: 'outage-1', symbol: 'SOLUSDT', market: 'crypto', side: 'short', conviction: 0.8, reasons: ['Lower high'] })).status).toBe(202);
    // The alert to #vip-signals hangs on Discord; Bo's free alert (15 minutes late) reaches Telegram all the same.
    await until(() => w.discord.server.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/channels/${DEMO_GUILD.vipChannel}/messages`)), 'the alert hanging on Discord');
    await w.clock.advance(15 * 60_000);
    await until(() => telegram.sentMessages(TELEGRAM_USER).find((m) => m.text?.includes('SOLUSDT')), 'the alert on Telegram while Discord hangs');

    // Meanwhile the account's job ran into the hang and gave up at its deadline, so the runner is free again; it waits to retry.
    await until(async () => {
      if (/timed out/.test(job(w).last_error ?? '') && job(w).state === 'pending') return true;
      await w.clock.advance(Math.max(0, job(w).due_at - w.clock.now()));
      return false;
    }, 'a try to time out on the hanging Discord');

    // Every webhook of the payment and the renewal was answered 2xx within the timeout (Stripe's emulator would have recorded a failure).
    const attempts = w.stripe.webhooks.attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.filter((a) => a.status !== 200)).toEqual([]);
    expect(hasVip(w, ada)).toBe(false);

    // Discord answers again: within the job's retry interval the role is granted, once.
    w.discord.server.clearFaults();
    const interval = job(w).due_at - w.clock.now();
    expect(interval).toBeGreaterThan(0);
    expect(interval).toBeLessThanOrEqual(2 * FIRST_RETRY_MS);
    await w.clock.advance(interval);
    await until(() => hasVip(w, ada), 'the VIP role granted after the outage');
    await until(() => job(w).state === 'done', 'the access job done');
    const granted = w.discord.server.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/members/${ada}/roles/${DEMO_GUILD.vipRole}`) && r.status === 204);
    expect(granted).toHaveLength(1);
    // The try abandoned at its deadline did nothing when its hung call came back: one welcome, not two.
    await w.service.dispatcher.idle();
    expect(dmsTo(w, ada).map((m) => m.content)).toEqual([GRANTED_TEXT]);
    // The alert held by the hang waited past its maximum age (15 minutes): it expires, is counted, and never goes out late.
    const alerts = () => w.discord.messagesIn(DEMO_GUILD.vipChannel).filter((m) => !m.message_reference && m.embeds.some((e) => e.title?.includes('SOLUSDT')));
    const expired = () => w.service.db.$client.prepare(`SELECT count(*) FROM deliveries d JOIN destinations t ON t.ref = d.destination_ref
      WHERE d.kind = 'alert' AND d.state = 'expired' AND t.platform = 'discord'`).pluck().get() as number;
    await until(async () => {
      await w.clock.advance(5_000);
      return expired() > 0;
    }, 'the alert held past its maximum age expired', { timeoutMs: 15_000 });
    await w.service.dispatcher.idle();
    expect(alerts()).toEqual([]);
    expect((await w.service.app.inject('/metrics')).body).toContain(`signalcast_deliveries_expired_total{platform="discord"} ${expired()}`);
  });
});
