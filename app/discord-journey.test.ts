// The subscriber journey on Discord, driving the Discord and Stripe emulators as a member would: pay, get the VIP role, see the alert in the gated channel, cancel, lose the role when the period ends.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { GRANTED_TEXT, removedText } from '../bots/discord/access';
import { dmsTo, linkButtons, mirrorStatus, payAt, publishSignal, runCommand } from './testing/discord-journey';
import { DEMO_GUILD, startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';

const SECRET = 'discord-journey-signing-secret';
const DAY = 86_400_000;
const MINUTE = 60_000;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const hasVip = (w: DiscordServiceWorld, userId: string) => w.discord.memberRoles(w.guild.id, userId)?.includes(DEMO_GUILD.vipRole) ?? false;

/** A member joins the server, runs /subscribe vip, pays at the checkout its link button opens, and gets the VIP role; their user id and Stripe subscription. */
async function subscribedMember(w: DiscordServiceWorld, username: string): Promise<{ userId: string; subscriptionId: string }> {
  await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
  const userId = w.discord.memberJoins(w.guild.id, { username });
  const offer = await runCommand(w, userId, 'subscribe', 'vip');
  // Ephemeral: only the member sees the link.
  expect(offer.flags! & 64).toBe(64);
  const [checkout] = linkButtons(offer).filter((b) => b.url.startsWith(`${w.stripe.url}/`));
  expect(checkout).toBeDefined();
  expect(hasVip(w, userId)).toBe(false);
  const before = new Set(w.stripe.store.subscriptions.keys());
  expect(await payAt(checkout!.url)).toBe(303);
  await w.stripe.whenWebhooksDelivered();
  expect(w.stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
  await until(() => hasVip(w, userId), `the VIP role on the emulator for ${username}`);
  const subscriptionId = [...w.stripe.store.subscriptions.keys()].find((id) => !before.has(id)) ?? '';
  return { userId, subscriptionId };
}

describe('the subscriber journey on Discord', () => {
  it('pays from /subscribe vip, gets the VIP role and one alert embed in #vip-signals, keeps the role after cancelling until the period ends, then loses it and is told by DM', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    const { userId: ada, subscriptionId } = await subscribedMember(w, 'ada');
    expect(mirrorStatus(w, subscriptionId)).toBe('active');
    const roleCalls = () => w.discord.server.requests.filter((r) => r.path.includes(`/members/${ada}/roles/`));
    expect(roleCalls().map((r) => r.method)).toEqual(['PUT']);
    await until(() => dmsTo(w, ada).some((m) => m.content === GRANTED_TEXT), 'the welcome DM');

    // A second subscriber: the alert is still posted once in the channel, not once per member.
    const { userId: bo, subscriptionId: boSubscription } = await subscribedMember(w, 'bo');
    const published = await publishSignal(w, SECRET, {
      publisherId: 'discord-journey-1', symbol: 'ETHUSDT', market: 'crypto', side: 'long', conviction: 0.9,
      entry: 3150, stop: 3080, targets: [3250, 3400], horizon: '1-3 days', reasons: ['Breakout on volume'],
    });
    expect(published.status).toBe(202);
    const alerts = () => w.discord.messagesIn(DEMO_GUILD.vipChannel).filter((m) => m.embeds.some((e) => e.title?.includes('ETHUSDT')));
    const [alert] = await until(() => (alerts().length > 0 ? alerts() : undefined), 'the alert in #vip-signals');
    const embed = alert!.embeds[0]!;
    expect(embed.title).toBe('🟢 LONG ETHUSDT · crypto');
    expect(embed.description).toBe('• Breakout on volume');
    expect(embed.color).toBe(0x1e8449); // long, band A
    expect(Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]))).toMatchObject({
      Entry: '3150', Stop: '3080', Targets: '3250 · 3400', Horizon: '1-3 days', Conviction: '0.90 · band A',
    });
    // Everything queued has gone out: still one copy in the channel, none in #general.
    await w.service.dispatcher.idle();
    expect(alerts()).toHaveLength(1);
    expect(w.discord.messagesIn(w.guild.channels.general!).filter((m) => m.embeds.length > 0)).toEqual([]);

    // Ada cancels in the billing portal /billing links to: the role stays until the period ends.
    const billing = await runCommand(w, ada, 'billing');
    const [portal] = linkButtons(billing).filter((b) => b.url.startsWith(`${w.stripe.url}/`));
    expect(portal).toBeDefined();
    const page = await (await fetch(portal!.url)).text();
    const cancel = /<form method="post" action="([^"]+\/cancel)"/.exec(page)?.[1];
    expect(cancel).toBeDefined();
    expect((await fetch(new URL(cancel!, portal!.url), { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    expect(w.stripe.subscription(subscriptionId).cancel_at_period_end).toBe(true);
    await until(() => {
      const row = w.service.db.$client.prepare('select cancel_at_period_end as c from subscriptions where stripe_subscription_id = ?').get(subscriptionId) as { c: number } | undefined;
      return row?.c === 1;
    }, 'the mirror to know of the cancellation');

    // A day before the period ends the sweeps change nothing.
    const periodEnd = (w.stripe.subscription(subscriptionId).items.data[0]?.current_period_end ?? 0) * 1000;
    await w.clock.advance(periodEnd - DAY - w.clock.now());
    await w.service.billing!.reconcile();
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    expect(hasVip(w, ada)).toBe(true);
    expect(roleCalls().map((r) => r.method)).toEqual(['PUT']);

    // The period ends: Stripe cancels the subscription, the role goes, Ada is told by DM how to come back.
    const dmsBefore = dmsTo(w, ada).length;
    expect((await w.stripe.periodEnds(subscriptionId)).status).toBe('canceled');
    await w.stripe.whenWebhooksDelivered();
    await until(() => !hasVip(w, ada), 'the VIP role removed');
    await w.service.billing!.reconcile();
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    expect(roleCalls().map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(w.discord.memberRoles(w.guild.id, ada)).toEqual([]);
    // Bo's own subscription still runs (Stripe renewed it as the clock passed): Bo keeps the role.
    expect(w.stripe.subscription(boSubscription).status).toBe('active');
    expect(hasVip(w, bo)).toBe(true);
    const told = await until(() => dmsTo(w, ada).slice(dmsBefore).find((m) => m.content === removedText('remove-role')), 'the removal DM');
    expect(told.content).toContain('/subscribe');
    expect(w.stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
    expect(w.discord.stats().invalidRequests).toBe(0);
  });

  it('keeps the VIP role while a failed renewal is within the grace days, and removes it (telling the member) once grace ends', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    const { userId: ada, subscriptionId } = await subscribedMember(w, 'ada');
    const roleCalls = () => w.discord.server.requests.filter((r) => r.path.includes(`/members/${ada}/roles/`)).map((r) => r.method);

    // The renewal fails: past_due, and the role stays through the webhook's access job and the sweeps.
    expect((await w.stripe.renewalFails(subscriptionId)).status).toBe('past_due');
    const failedAt = w.clock.now();
    await w.stripe.whenWebhooksDelivered();
    await until(() => mirrorStatus(w, subscriptionId) === 'past_due', 'the mirror to be past_due');
    await until(() => w.service.access!.jobs.list({ limit: 1 })[0]?.state === 'done', 'the access job done');
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    expect(hasVip(w, ada)).toBe(true);

    // A minute before the grace ends (Stripe has not retried yet): still there.
    await w.clock.advance(failedAt + w.service.plans.graceDays * DAY - MINUTE - w.clock.now());
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    expect(hasVip(w, ada)).toBe(true);
    expect(roleCalls()).toEqual(['PUT']);

    // Grace is over: the next sweep removes the role and tells Ada why and how to come back.
    const dmsBefore = dmsTo(w, ada).length;
    await w.clock.advance(MINUTE);
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    await until(() => !hasVip(w, ada), 'the VIP role removed');
    expect(roleCalls()).toEqual(['PUT', 'DELETE']);
    await until(() => dmsTo(w, ada).slice(dmsBefore).find((m) => m.content === removedText('remove-role')), 'the removal DM');
    expect(w.discord.stats().invalidRequests).toBe(0);
  });
});
