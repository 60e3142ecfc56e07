// Referral credits against the Stripe emulator: the referrer gets one customer balance credit when the friend first pays, and is told.
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_OK, startBillingHarness, type BillingHarness } from './testing/harness';

let h: BillingHarness;
beforeEach(async () => {
  h = await startBillingHarness();
});
afterEach(async () => h.stop());

/** A referrer with a code, and a friend who used it and paid for pro. */
async function referredSubscriber(): Promise<{ referrerId: string; referredId: string; subscriptionId: string; sessionId: string }> {
  const referrer = await h.newAccount({ displayName: 'Ada' });
  const code = await h.referrals.ensureReferralCode(referrer.id);
  const friend = await h.newAccount();
  const link = await h.checkout(friend, 'pro', code);
  expect((await h.pay(link.url, CARD_OK)).status).toBe(303);
  await h.settle();
  const session = await h.stripe.checkout.sessions.retrieve(link.sessionId);
  return { referrerId: referrer.id, referredId: friend.id, subscriptionId: session.subscription as string, sessionId: link.sessionId };
}

async function balanceOf(accountId: string): Promise<{ customer: Stripe.Customer; transactions: Stripe.CustomerBalanceTransaction[] }> {
  const id = (await h.accounts.getAccount(accountId))?.stripeCustomerId as string;
  const customer = (await h.stripe.customers.retrieve(id)) as Stripe.Customer;
  const transactions = (await h.stripe.customers.listBalanceTransactions(id)).data;
  return { customer, transactions };
}

describe('referral credits', () => {
  it('credits a referrer without a Stripe customer once the friend pays: a customer is made, credited 500 and told', async () => {
    const { referrerId, referredId, sessionId } = await referredSubscriber();
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ amount_subtotal: 2900, amount_total: 2320 });

    const { customer, transactions } = await balanceOf(referrerId);
    expect(customer.metadata).toMatchObject({ accountId: referrerId });
    expect(customer.balance).toBe(-500);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ amount: -500, currency: 'usd', metadata: { referredAccountId: referredId } });
    expect(h.notices).toEqual([{ accountId: referrerId, text: expect.stringContaining('$5.00') }]);
    expect(h.rows('select referrer_account_id, referred_account_id, amount_cents, stripe_balance_transaction_id from referral_credits')).toEqual([
      { referrer_account_id: referrerId, referred_account_id: referredId, amount_cents: 500, stripe_balance_transaction_id: transactions[0]?.id },
    ]);
    expect(h.audit.list({ subjectId: referrerId })[0]).toMatchObject({ action: 'referral.credited' });
  });

  it('credits once: not for a replayed event, not for a replay after a crash lost the record, not for the next renewal', async () => {
    const { referrerId, subscriptionId } = await referredSubscriber();
    const paid = h.emu.events('invoice.paid')[0] as Stripe.Event;
    const payload = JSON.stringify(paid);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).body).toMatchObject({ outcome: 'duplicate' });

    // As if the process died after crediting but before recording the event: Stripe delivers it again.
    h.db.$client.prepare('delete from stripe_events where id = ?').run(paid.id);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).status).toBe(200);

    await h.emu.renewalSucceeds(subscriptionId);
    await h.settle();
    expect(h.emu.events('invoice.paid')).toHaveLength(2);

    const { customer, transactions } = await balanceOf(referrerId);
    expect(transactions).toHaveLength(1);
    expect(customer.balance).toBe(-500);
    expect(h.notices).toHaveLength(1);
    expect(h.rows('select * from referral_credits')).toHaveLength(1);
  });

  it('finishes a credit left pending by a crash without crediting twice', async () => {
    const { referrerId } = await referredSubscriber();
    // The claim is there but its transaction id was never saved (the crash came after Stripe's answer).
    h.db.$client.prepare('update referral_credits set stripe_balance_transaction_id = null').run();
    const paid = h.emu.events('invoice.paid')[0] as Stripe.Event;
    h.db.$client.prepare('delete from stripe_events where id = ?').run(paid.id);
    const payload = JSON.stringify(paid);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).status).toBe(200);

    const { transactions } = await balanceOf(referrerId);
    expect(transactions).toHaveLength(1);
    expect(h.rows('select stripe_balance_transaction_id as txn from referral_credits')).toEqual([{ txn: transactions[0]?.id }]);
    expect(h.notices.filter((n) => n.accountId === referrerId)).toHaveLength(2);
  });

  it('waits for real money: a trial\'s $0 invoice earns nothing, the first paid one does', async () => {
    const referrer = await h.newAccount();
    const code = await h.referrals.ensureReferralCode(referrer.id);
    const friend = await h.newAccount();
    const link = await h.checkout(friend, 'vip', code);
    await h.pay(link.url, CARD_OK);
    await h.settle();
    expect(h.rows('select * from referral_credits')).toHaveLength(0);
    expect((await h.accounts.getAccount(referrer.id))?.stripeCustomerId).toBeNull();

    const subscriptionId = (await h.stripe.checkout.sessions.retrieve(link.sessionId)).subscription as string;
    await h.emu.trialEnds(subscriptionId, { paid: true });
    await h.settle();
    expect((await balanceOf(referrer.id)).customer.balance).toBe(-500);
  });

  it('credits the referrer when the endpoint is on an API version older than 2025-03-31 (invoice.subscription, no parent)', async () => {
    h.emu.setWebhookUrl(h.webhookUrl, { apiVersion: '2024-06-20' });
    const { referrerId, referredId } = await referredSubscriber();
    const delivered = h.emu.webhooks.attempts.find((a) => a.type === 'invoice.paid');
    const invoice = JSON.parse(delivered?.payload ?? '{}').data.object as Record<string, unknown>;
    expect(invoice.parent).toBeUndefined();
    expect(invoice.subscription).toMatch(/^sub_/);
    expect(h.rows("select outcome from stripe_events where type = 'invoice.paid'")).toEqual([{ outcome: 'unchanged' }]);
    // Read from the payload: the one fetch of the invoice is the referral's own check that it was paid.
    expect(h.emu.calls('GET', `/v1/invoices/${invoice.id as string}`)).toHaveLength(1);
    expect((await balanceOf(referrerId)).customer.balance).toBe(-500);
    expect(h.rows('select referred_account_id as id from referral_credits')).toEqual([{ id: referredId }]);
  });

  it('fetches the invoice when the payload names no subscription at all, and still credits the referrer', async () => {
    h.emu.setWebhookUrl(undefined);
    const referrer = await h.newAccount();
    const code = await h.referrals.ensureReferralCode(referrer.id);
    const friend = await h.newAccount();
    await h.pay((await h.checkout(friend, 'pro', code)).url, CARD_OK);
    const paid = h.emu.events('invoice.paid')[0] as Stripe.Event;
    const bare = JSON.parse(JSON.stringify(paid)) as { data: { object: Record<string, unknown> } };
    delete bare.data.object.parent;
    delete bare.data.object.subscription;
    const payload = JSON.stringify(bare);
    expect((await h.postWebhook(payload, h.emu.signWebhook(payload))).body).toMatchObject({ outcome: 'applied' });
    expect(h.emu.calls('GET', `/v1/invoices/${(paid.data.object as Stripe.Invoice).id}`).length).toBeGreaterThanOrEqual(2);
    expect((await h.mirror(friend.id))?.status).toBe('active');
    expect((await balanceOf(referrer.id)).customer.balance).toBe(-500);
  });

  it('credits nobody for a subscriber who was not referred', async () => {
    const account = await h.newAccount();
    await h.pay((await h.checkout(account, 'pro')).url, CARD_OK);
    await h.settle();
    expect(h.rows('select * from referral_credits')).toHaveLength(0);
    expect(h.emu.calls('POST', '/v1/customers')).toHaveLength(0);
    expect(h.notices).toHaveLength(0);
  });
});
