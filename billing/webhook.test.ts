// The Stripe webhook end to end: the emulator's signed deliveries reach POST /webhooks/stripe and the mirror follows Stripe's life cycle.
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { entitlementOf } from '../core/entitlement';
import { CARD_DECLINED, CARD_OK, DAY, startBillingHarness, type BillingHarness, type HarnessOptions } from './testing/harness';

let h: BillingHarness;
async function start(options: HarnessOptions = {}): Promise<BillingHarness> {
  h = await startBillingHarness(options);
  return h;
}
afterEach(async () => h?.stop());

/** Opens a checkout for a new account and pays it on the hosted page; returns the account and its Stripe subscription id. */
async function subscribe(planId: string, card = CARD_OK): Promise<{ accountId: string; subscriptionId: string }> {
  const account = await h.newAccount();
  const link = await h.checkout(account, planId);
  const res = await h.pay(link.url, card);
  expect(res.status).toBe(303);
  await h.settle();
  const session = await h.stripe.checkout.sessions.retrieve(link.sessionId);
  return { accountId: account.id, subscriptionId: session.subscription as string };
}

const periodEndMs = (sub: Stripe.Subscription) => (sub.items.data[0]?.current_period_end ?? 0) * 1000;
const entitled = (subs: Parameters<typeof entitlementOf>[1]) => entitlementOf(h.plans, subs, h.clock.now());

describe('subscription life cycle through the webhook', () => {
  it('makes the subscription active after the hosted page is paid with 4242, and saves the customer', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('pro');
    const stripeSub = await h.stripe.subscriptions.retrieve(subscriptionId);
    const mirror = await h.mirror(accountId);
    expect(mirror).toMatchObject({ stripeSubscriptionId: subscriptionId, planId: 'pro', status: 'active', cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe' });
    expect(mirror?.currentPeriodEnd?.getTime()).toBe(periodEndMs(stripeSub));
    expect(mirror?.currentPeriodEnd?.getTime()).toBe(Date.UTC(2026, 1, 15, 12));
    expect((await h.accounts.getAccount(accountId))?.stripeCustomerId).toBe(stripeSub.customer);
    expect(entitled([mirror!]).plan.id).toBe('pro');

    expect(h.changes).toHaveLength(1);
    expect(h.changes[0]).toMatchObject({ accountId, change: { before: null, after: { status: 'active' } } });
    const audit = h.audit.list({ subjectType: 'account', subjectId: accountId });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'stripe', action: 'subscription.created', data: { before: null, after: 'active', stripeSubscriptionId: subscriptionId } });
    expect(h.emu.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
    const recorded = h.rows('select id, outcome from stripe_events');
    expect(recorded.map((r) => r.id).sort()).toEqual(h.emu.events().map((e) => e.id).sort());
  });

  it('leaves everything unchanged when the card is declined on the hosted page', async () => {
    await start();
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    const res = await h.pay(link.url, CARD_DECLINED);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your card was declined');
    await h.settle();
    expect(await h.mirror(account.id)).toBeUndefined();
    expect((await h.accounts.getAccount(account.id))?.stripeCustomerId).toBeNull();
    expect(h.changes).toHaveLength(0);
    expect((await h.stripe.checkout.sessions.retrieve(link.sessionId)).status).toBe('open');
  });

  it('mirrors a trial as trialing with its end, then active once the trial is paid', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('vip');
    const trialing = await h.mirror(accountId);
    expect(trialing).toMatchObject({ planId: 'vip', status: 'trialing' });
    expect(trialing?.trialEnd?.getTime()).toBe(h.clock.now() + 7 * DAY);
    expect(entitled([trialing!])).toMatchObject({ reason: 'trialing', until: h.clock.now() + 7 * DAY });

    await h.emu.trialEnds(subscriptionId, { paid: true });
    await h.settle();
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
  });

  it('goes past_due with pastDueSince when a renewal fails, keeps access in grace, then unpaid clears it and access ends', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('pro');
    await h.emu.renewalFails(subscriptionId);
    await h.settle();
    const failedAt = h.clock.now();
    const pastDue = await h.mirror(accountId);
    expect(pastDue).toMatchObject({ status: 'past_due' });
    expect(pastDue?.pastDueSince?.getTime()).toBe(failedAt);
    expect(entitled([pastDue!])).toMatchObject({ paid: true, reason: 'past_due_grace' });

    await h.emu.renewalFails(subscriptionId);
    await h.settle();
    const unpaid = await h.mirror(accountId);
    expect(unpaid).toMatchObject({ status: 'unpaid', pastDueSince: null });
    expect(entitled([unpaid!])).toMatchObject({ paid: false, reason: 'unpaid' });
    expect(h.changes.map((c) => c.change.after.status)).toEqual(['active', 'past_due', 'unpaid']);
    expect(h.audit.list({ subjectId: accountId }).map((a) => `${a.data?.before}->${a.data?.after}`).reverse()).toEqual(['null->active', 'active->past_due', 'past_due->unpaid']);
  });

  it('keeps pastDueSince from the first failure while the subscription stays past_due', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('pro');
    await h.emu.renewalFails(subscriptionId);
    await h.settle();
    const since = (await h.mirror(accountId))?.pastDueSince?.getTime();
    await h.clock.advance(DAY);
    await h.stripe.subscriptions.update(subscriptionId, { metadata: { note: 'touched' } });
    await h.settle();
    expect((await h.mirror(accountId))?.pastDueSince?.getTime()).toBe(since);
  });

  it('records cancel at period end, keeps access until then, and mirrors the cancellation when the period ends', async () => {
    await start();
    const { accountId, subscriptionId } = await subscribe('pro');
    await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await h.settle();
    const canceling = await h.mirror(accountId);
    expect(canceling).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(entitled([canceling!])).toMatchObject({ paid: true, until: Date.UTC(2026, 1, 15, 12) });

    await h.emu.periodEnds(subscriptionId);
    await h.settle();
    expect(await h.mirror(accountId)).toMatchObject({ status: 'canceled' });
    expect(entitled([(await h.mirror(accountId))!]).paid).toBe(false);
  });

  it('answers 200 when the onSubscriptionChanged hook fails: the change is saved and the failure logged', async () => {
    await start({ failingHook: true });
    const { accountId } = await subscribe('pro');
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
    expect(h.emu.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
    expect(h.logger.records.some((r) => r.level === 'error' && r.msg === 'onSubscriptionChanged hook failed')).toBe(true);
  });
});

describe('webhook verification', () => {
  /** A real event from a paid checkout that was not delivered (no endpoint set), to be sent by hand. */
  async function undeliveredEvent(): Promise<{ accountId: string; payload: string; event: Stripe.Event }> {
    h.emu.setWebhookUrl(undefined);
    const account = await h.newAccount();
    await h.pay((await h.checkout(account, 'pro')).url, CARD_OK);
    const event = h.emu.events('customer.subscription.created')[0] as Stripe.Event;
    return { accountId: account.id, payload: JSON.stringify(event, null, 2), event };
  }

  it('refuses a bad signature with 400 and changes nothing; the same body correctly signed is applied', async () => {
    await start();
    const { accountId, payload } = await undeliveredEvent();
    const forged = h.emu.signWebhook(payload).replace(/v1=[0-9a-f]{4}/, 'v1=0000');
    const bad = await h.postWebhook(payload, forged);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_signature' } });
    expect((await h.postWebhook(payload, undefined)).status).toBe(400);
    expect((await h.postWebhook(`${payload} `, h.emu.signWebhook(payload))).status).toBe(400);
    expect(await h.mirror(accountId)).toBeUndefined();
    expect(h.rows('select * from stripe_events')).toHaveLength(0);

    const good = await h.postWebhook(payload, h.emu.signWebhook(payload));
    expect(good).toMatchObject({ status: 200, body: { received: true, outcome: 'applied' } });
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
  });

  it('refuses a signature older than five minutes, and accepts one within them', async () => {
    await start();
    const { accountId, payload } = await undeliveredEvent();
    const nowSec = Math.floor(h.clock.now() / 1000);
    const stale = await h.postWebhook(payload, h.emu.signWebhook(payload, nowSec - 301));
    expect(stale.status).toBe(400);
    expect(String((stale.body.error as { message: string }).message)).toContain('Timestamp outside the tolerance zone');
    expect(await h.mirror(accountId)).toBeUndefined();
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload, nowSec - 299))).status).toBe(200);
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
  });

  it('refuses a signature dated more than five minutes ahead, and accepts one within them', async () => {
    await start();
    const { accountId, payload } = await undeliveredEvent();
    const nowSec = Math.floor(h.clock.now() / 1000);
    const ahead = await h.postWebhook(payload, h.emu.signWebhook(payload, nowSec + 301));
    expect(ahead.status).toBe(400);
    expect(String((ahead.body.error as { message: string }).message)).toContain('301 s in the future');
    expect(await h.mirror(accountId)).toBeUndefined();
    expect(h.rows('select * from stripe_events')).toHaveLength(0);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload, nowSec + 299))).status).toBe(200);
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
  });

  it.each([
    ['no id', (e: Record<string, unknown>) => ({ ...e, id: undefined }), 'has no id'],
    ['no data', (e: Record<string, unknown>) => ({ ...e, data: undefined }), 'has no data.object'],
    ['no type', (e: Record<string, unknown>) => ({ ...e, type: '' }), 'has no type'],
    ['not an object', () => [1, 2], 'not a Stripe event object'],
  ])('answers 400, not 500, to a correctly signed event with %s, and records nothing', async (_, mangle, says) => {
    await start();
    const { event } = await undeliveredEvent();
    const payload = JSON.stringify(mangle(event as unknown as Record<string, unknown>));
    const res = await h.postWebhook(payload, h.emu.signWebhook(payload));
    expect(res.status).toBe(400);
    expect(String((res.body.error as { message: string }).message)).toContain(says);
    expect(h.rows('select * from stripe_events')).toHaveLength(0);
  });

  it('answers 500 when Stripe fails while processing, leaving the event unrecorded so the retry applies it', async () => {
    await start();
    const { accountId, payload, event } = await undeliveredEvent();
    h.emu.failNext({ kind: 'server_error', status: 500 }, { match: (req) => req.path.startsWith('/v1/subscriptions/') });
    const failed = await h.postWebhook(payload, h.emu.signWebhook(payload));
    expect(failed.status).toBe(500);
    expect(h.rows('select * from stripe_events')).toHaveLength(0);
    expect(h.logger.records.find((r) => r.level === 'error')?.obj).toMatchObject({ eventId: event.id });

    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).body).toMatchObject({ outcome: 'applied' });
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });
  });
});

describe('at-least-once, any-order delivery', () => {
  it('applies each change once when every event is delivered twice', async () => {
    await start({ emulator: { webhooks: { duplicate: true } } });
    const { accountId, subscriptionId } = await subscribe('pro');
    await h.emu.renewalFails(subscriptionId);
    await h.settle();
    const attempts = h.emu.webhooks.attempts;
    expect(attempts.length).toBe(2 * h.emu.events().length);
    expect(attempts.every((a) => a.status === 200)).toBe(true);
    expect(h.rows('select count(*) as n from stripe_events')[0]?.n).toBe(h.emu.events().length);
    expect(h.changes.map((c) => c.change.after.status)).toEqual(['active', 'past_due']);
    expect(h.audit.list({ subjectId: accountId })).toHaveLength(2);
  });

  it('answers a replayed event with duplicate and touches nothing', async () => {
    await start();
    const { accountId } = await subscribe('pro');
    const before = await h.mirror(accountId);
    const event = h.emu.events('invoice.paid')[0] as Stripe.Event;
    const payload = JSON.stringify(event);
    await h.clock.advance(60_000);
    const replay = await h.postWebhook(payload, h.emu.signWebhook(payload));
    expect(replay).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await h.mirror(accountId)).toEqual(before);
  });

  it('converges to Stripe\'s state whatever order the events arrive in', async () => {
    await start();
    h.emu.webhooks.hold();
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    await h.pay(link.url, CARD_OK);
    const subscriptionId = (await h.stripe.checkout.sessions.retrieve(link.sessionId)).subscription as string;
    await h.emu.renewalFails(subscriptionId);
    await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    // The first event says "incomplete": a receiver trusting payloads would end there.
    expect((h.emu.events('customer.subscription.created')[0]?.data.object as Stripe.Subscription).status).toBe('incomplete');
    h.emu.webhooks.release('reverse');
    await h.settle();

    const truth = await h.stripe.subscriptions.retrieve(subscriptionId);
    const mirror = await h.mirror(account.id);
    expect(mirror).toMatchObject({ status: truth.status, cancelAtPeriodEnd: true, planId: 'pro' });
    expect(truth.status).toBe('past_due');
    expect(mirror?.currentPeriodEnd?.getTime()).toBe(periodEndMs(truth));
    expect((await h.accounts.getAccount(account.id))?.stripeCustomerId).toBe(truth.customer);
  });

  it('records an event for a customer no account knows and answers 200, with no retry loop', async () => {
    await start();
    const customer = await h.stripe.customers.create({ email: 'stranger@example.com' });
    await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_pro_monthly' }], trial_period_days: 7 });
    await h.settle();
    const attempts = h.emu.webhooks.attempts.filter((a) => a.type.startsWith('customer.subscription.'));
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.status === 200 && a.attempt === 1)).toBe(true);
    const outcomes = h.rows("select outcome from stripe_events where type like 'customer.subscription.%'").map((r) => r.outcome);
    expect(outcomes).toEqual(attempts.map(() => 'unknown_customer'));
    expect(h.rows('select * from subscriptions')).toHaveLength(0);
    expect(h.logger.records.some((r) => r.level === 'warn' && r.msg?.includes('no account knows'))).toBe(true);
  });

  it('records and ignores events that cannot change a subscription', async () => {
    await start();
    await h.stripe.customers.create({ email: 'someone@example.com' });
    await h.settle();
    expect(h.rows("select type, outcome from stripe_events")).toEqual([{ type: 'customer.created', outcome: 'ignored' }]);
  });
});

describe('promotion codes', () => {
  it('lets a subscriber pay with a promotion code on the hosted page, and the mirror is active', async () => {
    await start();
    const coupon = await h.stripe.coupons.create({ percent_off: 50, duration: 'once' });
    await h.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'LAUNCH50' });
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    expect((await h.pay(link.url, CARD_OK, { promotion_code: 'LAUNCH50' })).status).toBe(303);
    await h.settle();
    const session = await h.stripe.checkout.sessions.retrieve(link.sessionId);
    expect(session).toMatchObject({ amount_subtotal: 2900, amount_total: 1450 });
    expect(await h.mirror(account.id)).toMatchObject({ status: 'active', planId: 'pro' });
  });
});
