// The console's Stripe section through its forms, against the Stripe emulator whose webhooks reach real billing on real SQLite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_OK, startBillingHarness, type BillingHarness } from '../../billing/testing/harness';
import { entitlementOf } from '../../core/entitlement';
import { startConsole, type SandboxConsole } from './server';
import { StripeSection } from './stripe-section';

let h: BillingHarness;
let consolePage: SandboxConsole;

beforeEach(async () => {
  h = await startBillingHarness();
  consolePage = await startConsole({ sections: [new StripeSection({ emulator: () => h.emu })], refreshMs: 0 });
});
afterEach(async () => {
  await consolePage.stop();
  await h.stop();
});

async function page(): Promise<string> {
  const res = await fetch(`${consolePage.url}/`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Presses a button on the page as a browser does: POSTs its form and reads the notice it redirects to. */
async function press(action: string, fields: Record<string, string>): Promise<{ status: number; notice: string | null }> {
  const res = await fetch(`${consolePage.url}/stripe/${action}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual',
  });
  const location = res.headers.get('location');
  await h.settle();
  return { status: res.status, notice: location ? new URL(location, consolePage.url).searchParams.get('notice') : await res.text() };
}

/** A new account pays for `planId` on the hosted page. */
async function subscribe(planId: string): Promise<{ accountId: string; subscriptionId: string }> {
  const account = await h.newAccount();
  const link = await h.checkout(account, planId);
  expect((await h.pay(link.url, CARD_OK)).status).toBe(303);
  await h.settle();
  return { accountId: account.id, subscriptionId: (await h.stripe.checkout.sessions.retrieve(link.sessionId)).subscription as string };
}

const access = async (accountId: string) => entitlementOf(h.plans, await h.accounts.listSubscriptions(accountId), h.clock.now());

describe('the console\'s Stripe section', () => {
  it('takes a subscriber through past_due (kept in grace), unpaid (access gone) and paying again (back in), with the webhooks Stripe sends', async () => {
    const { accountId, subscriptionId } = await subscribe('pro');
    const html = await page();
    expect(html).toContain(`<code>${subscriptionId}</code>`);
    expect(html).toContain('<strong>active</strong>');
    expect(html).toContain(`<form method="post" action="/stripe/renewal-fails" class="inline"><input type="hidden" name="subscription" value="${subscriptionId}"><button type="submit">Fail next renewal</button></form>`);

    const failed = await press('renewal-fails', { subscription: subscriptionId });
    expect(failed.status).toBe(303);
    expect(failed.notice).toContain('The next payment failed (now past_due). Stripe sent');
    expect(failed.notice).toContain('invoice.payment_failed');
    expect(await h.mirror(accountId)).toMatchObject({ status: 'past_due' });
    expect(await access(accountId)).toMatchObject({ paid: true, reason: 'past_due_grace' });
    expect(await page()).toContain('Next payment succeeds');

    expect((await press('renewal-fails', { subscription: subscriptionId })).notice).toContain('(now unpaid)');
    expect(await h.mirror(accountId)).toMatchObject({ status: 'unpaid' });
    expect(await access(accountId)).toMatchObject({ paid: false, reason: 'unpaid' });

    expect((await press('renewal-pays', { subscription: subscriptionId })).notice).toContain('(now active)');
    expect(await access(accountId)).toMatchObject({ paid: true, reason: 'active' });
    expect(h.changes.map((c) => c.change.after.status)).toEqual(['active', 'past_due', 'unpaid', 'active']);
    expect(h.emu.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
  });

  it('ends a trial, cancels at period end and ends the period', async () => {
    const { accountId, subscriptionId } = await subscribe('vip');
    expect(await page()).toContain('End trial (pays)');
    expect((await press('trial-pays', { subscription: subscriptionId })).notice).toContain('(now active)');
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active', trialEnd: expect.any(Date) });

    expect((await press('cancel-at-end', { subscription: subscriptionId })).notice).toContain('The customer cancelled at period end');
    expect(await h.mirror(accountId)).toMatchObject({ cancelAtPeriodEnd: true });
    expect(await page()).toContain('End the period');
    const ended = await press('period-ends', { subscription: subscriptionId });
    expect(ended.notice).toContain('(now canceled)');
    expect(ended.notice).toContain('customer.subscription.deleted');
    expect(await access(accountId)).toMatchObject({ paid: false });
  });

  it('refunds and disputes the latest payment: access is held, and a dispute won does not bring it back', async () => {
    const refunded = await subscribe('pro');
    expect((await press('refund', { subscription: refunded.subscriptionId })).notice).toContain('29.00 refunded). Stripe sent charge.refunded.');
    expect(await access(refunded.accountId)).toMatchObject({ paid: false, reason: 'access_revoked' });
    expect(await page()).toContain('(refunded)');

    const disputed = await subscribe('pro');
    expect((await press('dispute', { subscription: disputed.subscriptionId })).notice).toContain('Stripe sent charge.dispute.created.');
    expect(await access(disputed.accountId)).toMatchObject({ paid: false, reason: 'access_revoked' });
    const disputeId = [...h.emu.store.disputes.keys()][0] as string;
    expect(await page()).toContain(`dispute ${disputeId}: needs_response`);
    expect((await press('dispute-won', { dispute: disputeId })).notice).toContain('The dispute closed in your favour (dispute won). Stripe sent charge.dispute.closed.');
    expect(await access(disputed.accountId)).toMatchObject({ paid: false, reason: 'access_revoked' });
  });

  it('refuses bad input and what Stripe would not do, changing nothing', async () => {
    const { subscriptionId } = await subscribe('pro');
    const events = h.emu.events().length;
    expect(await press('renewal-fails', { subscription: 'sub_doesnotexist' })).toMatchObject({ status: 404, notice: expect.stringContaining('There is no subscription sub_doesnotexist.') });
    expect(await press('renewal-fails', { subscription: '<b>' })).toMatchObject({ status: 400, notice: expect.stringContaining('subscription must be a subscription id like sub_..., got &quot;&lt;b&gt;&quot;') });
    expect(await press('explode', { subscription: subscriptionId })).toMatchObject({ status: 404, notice: expect.stringContaining('There is no Stripe action') });
    expect(await press('trial-pays', { subscription: subscriptionId })).toMatchObject({ status: 409, notice: expect.stringContaining('is active, not trialing') });
    expect(await press('dispute-won', { dispute: 'dp_nope' })).toMatchObject({ status: 404 });
    expect(h.emu.events()).toHaveLength(events);
  });

  it('says when there is nothing to show', async () => {
    expect(await page()).toContain('No subscriptions yet');
  });
});
