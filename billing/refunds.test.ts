// Refunds and disputes through the webhook: the emulator refunds or disputes a real payment, signs the events as Stripe does, and access is held.
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { entitlementOf } from '../core/entitlement';
import { OPERATOR, sendCommand, telegramUserOf } from './testing/commands';
import { CARD_OK, startBillingHarness, type BillingHarness, type HarnessOptions } from './testing/harness';

let h: BillingHarness;
async function start(options: HarnessOptions = {}): Promise<BillingHarness> {
  h = await startBillingHarness(options);
  return h;
}
afterEach(async () => h?.stop());

/** A new account pays for `planId` on the hosted page; its ids and the Telegram user id it has. */
async function subscribe(planId = 'pro'): Promise<{ accountId: string; subscriptionId: string; userId: string }> {
  const account = await h.newAccount();
  const link = await h.checkout(account, planId);
  expect((await h.pay(link.url, CARD_OK)).status).toBe(303);
  await h.settle();
  const session = await h.stripe.checkout.sessions.retrieve(link.sessionId);
  return { accountId: account.id, subscriptionId: session.subscription as string, userId: telegramUserOf(h, account.id) };
}

const entitlement = async (accountId: string) => entitlementOf(h.plans, await h.accounts.listSubscriptions(accountId), h.clock.now());
const auditOf = (accountId: string, action: string) => h.audit.list({ subjectType: 'account', subjectId: accountId }).filter((a) => a.action === action);

/** The operator's /grant, as typed in the bot. */
async function grant(userId: string, planId: string, days: number): Promise<string> {
  return (await sendCommand(h, OPERATOR, `/grant ${userId} ${planId} ${days}`)).text;
}

describe('refunds', () => {
  it('removes paid access at once on a full refund, tells the access hook, and audits the Stripe ids', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe();
    expect((await entitlement(accountId)).paid).toBe(true);

    const charge = h.emu.refund(subscriptionId);
    await h.settle();
    const event = h.emu.events('charge.refunded')[0] as Stripe.Event;
    expect(h.emu.webhooks.attempts.find((a) => a.eventId === event.id)?.status).toBe(200);
    expect(h.rows(`select outcome from stripe_events where id = '${event.id}'`)).toEqual([{ outcome: 'applied' }]);

    const mirror = await h.mirror(accountId);
    expect(mirror).toMatchObject({ status: 'active', accessRevokedReason: `charge.refunded ${charge.id}` });
    expect(mirror?.accessRevokedAt?.getTime()).toBe(h.clock.now());
    expect(await entitlement(accountId)).toMatchObject({ paid: false, decision: 'deny', reason: 'access_revoked' });
    expect(h.changes.at(-1)).toMatchObject({ accountId, change: { before: { accessRevokedAt: null }, after: { status: 'active' } } });
    expect(h.changes.at(-1)?.change.after.accessRevokedAt).not.toBeNull();

    const invoiceId = (await h.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice;
    const [revoked] = auditOf(accountId, 'subscription.access_revoked');
    expect(revoked).toMatchObject({ actor: 'stripe', data: { eventId: event.id, chargeId: charge.id, invoiceId, stripeSubscriptionId: subscriptionId, amount: 2900, amountRefunded: 2900 } });
  });

  it('keeps access after a partial refund', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe();
    h.emu.refund(subscriptionId, { amount: 500 });
    await h.settle();
    expect(h.rows("select outcome from stripe_events where type = 'charge.refunded'")).toEqual([{ outcome: 'ignored' }]);
    expect((await h.mirror(accountId))?.accessRevokedAt).toBeNull();
    expect((await entitlement(accountId)).paid).toBe(true);
    expect(auditOf(accountId, 'subscription.access_revoked')).toHaveLength(0);
  });

  it('keeps the hold when a later customer.subscription.updated says active, and /grant gives access back', async () => {
    await start();
    const { accountId, subscriptionId, userId } = await subscribe();
    h.emu.refund(subscriptionId);
    await h.settle();
    await h.stripe.subscriptions.update(subscriptionId, { metadata: { note: 'touched after the refund' }, cancel_at_period_end: true });
    await h.settle();
    expect(h.emu.events('customer.subscription.updated').length).toBeGreaterThan(0);
    const mirror = await h.mirror(accountId);
    expect(mirror).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(mirror?.accessRevokedAt).not.toBeNull();
    expect((await entitlement(accountId)).reason).toBe('access_revoked');

    expect(await grant(userId, 'pro', 30)).toMatch(/^Granted Pro to \d+ until/);
    expect(await entitlement(accountId)).toMatchObject({ paid: true, reason: 'grant' });
  });

  it('holds the subscription of an endpoint on an older API version, whose charge names its invoice', async () => {
    await start();
    h.emu.setWebhookUrl(h.webhookUrl, { apiVersion: '2024-06-20' });
    const { accountId, subscriptionId } = await subscribe();
    h.emu.refund(subscriptionId);
    await h.settle();
    const attempt = h.emu.webhooks.attempts.find((a) => a.type === 'charge.refunded');
    expect(JSON.parse(attempt?.payload ?? '{}')).toMatchObject({ api_version: '2024-06-20', data: { object: { invoice: expect.stringMatching(/^in_/) } } });
    expect((await entitlement(accountId)).reason).toBe('access_revoked');
    expect(auditOf(accountId, 'subscription.access_revoked')[0]?.data).toMatchObject({ stripeSubscriptionId: subscriptionId });
  });
});

describe('disputes', () => {
  it('removes access when a dispute opens, and a dispute won restores nothing by itself', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('pro');
    const dispute = h.emu.dispute(subscriptionId);
    await h.settle();
    expect(await entitlement(accountId)).toMatchObject({ paid: false, reason: 'access_revoked' });
    const created = h.emu.events('charge.dispute.created')[0] as Stripe.Event;
    expect(auditOf(accountId, 'subscription.access_revoked')[0]).toMatchObject({
      data: { eventId: created.id, disputeId: dispute.id, chargeId: dispute.charge, stripeSubscriptionId: subscriptionId },
    });
    expect((await h.mirror(accountId))?.accessRevokedReason).toBe(`charge.dispute.created ${dispute.id}`);

    const changesBefore = h.changes.length;
    h.emu.closeDispute(dispute.id, 'won');
    await h.settle();
    expect(h.rows("select outcome from stripe_events where type = 'charge.dispute.closed'")).toEqual([{ outcome: 'unchanged' }]);
    expect(await entitlement(accountId)).toMatchObject({ paid: false, reason: 'access_revoked' });
    expect(h.changes).toHaveLength(changesBefore);
    expect(auditOf(accountId, 'subscription.dispute_closed')[0]).toMatchObject({ data: { disputeId: dispute.id, status: 'won', stripeSubscriptionIds: [subscriptionId] } });
  });

  it('answers 500 when Stripe fails while following the charge, so the retry holds access', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe();
    h.emu.setWebhookUrl(undefined);
    h.emu.refund(subscriptionId);
    const event = h.emu.events('charge.refunded')[0] as Stripe.Event;
    const payload = JSON.stringify(event);
    h.emu.failNext({ kind: 'server_error', status: 500 }, { match: (req) => req.path.startsWith('/v1/charges/') });
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).status).toBe(500);
    expect((await entitlement(accountId)).paid).toBe(true);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).body).toMatchObject({ outcome: 'applied' });
    expect((await entitlement(accountId)).reason).toBe('access_revoked');
  });
});
