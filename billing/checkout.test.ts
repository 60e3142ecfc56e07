// Checkout and portal links against the Stripe emulator: what the created session carries, trials once, referral discount or promotion codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignalcastError } from '../core/errors';
import { paidPlans } from '../core/plans';
import { sendCommand, telegramUserOf } from './testing/commands';
import { CARD_OK, startBillingHarness, type BillingHarness } from './testing/harness';

let h: BillingHarness;
beforeEach(async () => {
  h = await startBillingHarness();
});
afterEach(async () => h.stop());

/** The form stripe-node sent for the n-th checkout session created. */
const sessionForm = (n = 0) => h.emu.calls('POST', '/v1/checkout/sessions')[n]?.form as Record<string, unknown>;

describe('checkout links', () => {
  it('creates one link per paid plan carrying the account and identity in metadata and client_reference_id', async () => {
    const account = await h.newAccount();
    const plans = paidPlans(h.plans);
    for (const plan of plans) {
      const link = await h.checkout(account, plan.id);
      expect(link.url).toBe(`${h.emu.url}/c/pay/${link.sessionId}`);
      const session = await h.stripe.checkout.sessions.retrieve(link.sessionId);
      expect(session).toMatchObject({ client_reference_id: account.id, metadata: { accountId: account.id, planId: plan.id } });
    }
    const forms = h.emu.calls('POST', '/v1/checkout/sessions').map((c) => c.form as Record<string, unknown>);
    expect(forms).toHaveLength(plans.length);
    plans.forEach((plan, i) => {
      const metadata = { accountId: account.id, planId: plan.id, platform: 'telegram', platformUserId: `tg-${account.id}` };
      expect(forms[i]).toMatchObject({
        mode: 'subscription',
        client_reference_id: account.id,
        line_items: [{ price: plan.stripePriceId, quantity: '1' }],
        metadata,
        subscription_data: { metadata },
        allow_promotion_codes: 'true',
        success_url: `${h.baseUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${h.baseUrl}/billing/cancel`,
      });
      expect(forms[i]).not.toHaveProperty('customer');
      expect(forms[i]).not.toHaveProperty('discounts');
    });
  });

  it('offers the plan trial to an account that never had one, and not again after it had one', async () => {
    const account = await h.newAccount();
    await h.checkout(account, 'vip');
    expect(sessionForm(0).subscription_data).toMatchObject({ trial_period_days: '7' });
    await h.checkout(account, 'pro');
    expect(sessionForm(1).subscription_data).not.toHaveProperty('trial_period_days');

    await h.accounts.upsertSubscription({ accountId: account.id, stripeSubscriptionId: 'sub_old', planId: 'vip', status: 'canceled', trialEnd: h.clock.now() - 1000 });
    await h.checkout(account, 'vip');
    expect(sessionForm(2).subscription_data).not.toHaveProperty('trial_period_days');
  });

  it('uses the account\'s Stripe customer once it has one, so Checkout does not make another', async () => {
    const customer = await h.stripe.customers.create({ email: 'known@example.com' });
    const account = await h.accounts.createAccount({ stripeCustomerId: customer.id });
    await h.checkout(account, 'pro');
    expect(sessionForm().customer).toBe(customer.id);
  });

  it('gives a referred account the referral coupon instead of promotion codes, creating the coupon once', async () => {
    const referrer = await h.newAccount();
    const code = await h.referrals.ensureReferralCode(referrer.id);
    const referred = await h.newAccount();
    await h.checkout(referred, 'pro', code);
    await h.checkout(referred, 'vip');
    expect(sessionForm(0)).toMatchObject({ discounts: [{ coupon: 'referral-20' }] });
    expect(sessionForm(0)).not.toHaveProperty('allow_promotion_codes');
    expect(sessionForm(1)).toMatchObject({ discounts: [{ coupon: 'referral-20' }] });
    expect(h.emu.calls('POST', '/v1/coupons')).toHaveLength(1);
    expect(await h.stripe.coupons.retrieve('referral-20')).toMatchObject({ percent_off: 20, duration: 'once' });
    expect((await h.accounts.getAccount(referred.id))?.referredBy).toBe(referrer.id);
  });

  it('shows the referral discount where the payer looks: the /subscribe answer and the hosted checkout page', async () => {
    const referrer = await h.newAccount();
    const code = await h.referrals.ensureReferralCode(referrer.id);
    const friend = await h.newAccount({ referredBy: referrer.id });
    const userId = telegramUserOf(h, friend.id);
    const answer = await sendCommand(h, userId, '/subscribe pro');
    expect(answer.text).toContain('Referral discount: 20% off your first payment, $23.20 instead of $29.00.');
    const page = await (await fetch(answer.urls[0] as string)).text();
    expect(page).toContain('-$5.80');
    expect(page).toContain('Due today: <strong>$23.20</strong>');

    const trial = await h.service.billing.createCheckoutLink({ accountId: (await h.newAccount()).id, planId: 'vip', identity: { platform: 'telegram', platformUserId: '1' }, referralCode: code });
    expect(trial.discount).toMatchObject({ label: '20% off', afterTrial: true, regularCents: 14900, firstPaymentCents: 11920 });
  });

  it('says nothing about a discount to someone who was not referred', async () => {
    const account = await h.newAccount();
    const answer = await sendCommand(h, telegramUserOf(h, account.id), '/subscribe pro');
    expect(answer.urls).toHaveLength(1);
    expect(answer.text).not.toContain('discount');
  });

  it('ignores an unknown referral code and the account\'s own code', async () => {
    const account = await h.newAccount();
    const own = await h.referrals.ensureReferralCode(account.id);
    await h.checkout(account, 'pro', own);
    await h.checkout(account, 'pro', 'NOSUCHCODE');
    for (const n of [0, 1]) expect(sessionForm(n)).toMatchObject({ allow_promotion_codes: 'true' });
    expect((await h.accounts.getAccount(account.id))?.referredBy).toBeNull();
  });

  it('asks Stripe for the quantity given (seats), which the session, the subscription item and the invoice carry at price × quantity', async () => {
    const account = await h.newAccount();
    const link = await h.service.billing.createCheckoutLink({ accountId: account.id, planId: 'pro', identity: { platform: 'slack', platformUserId: 'U1' }, quantity: 12 });
    expect(sessionForm().line_items).toEqual([{ price: 'price_pro_monthly', quantity: '12' }]);
    const session = await h.stripe.checkout.sessions.retrieve(link.sessionId, { expand: ['line_items'] });
    expect(session.line_items?.data[0]).toMatchObject({ quantity: 12, amount_subtotal: 12 * 2900 });
    await h.pay(link.url, CARD_OK);
    await h.settle();
    const subscription = (await h.stripe.subscriptions.list({ customer: (await h.accounts.getAccount(account.id))!.stripeCustomerId! })).data[0]!;
    expect(subscription.items.data[0]).toMatchObject({ quantity: 12, price: { id: 'price_pro_monthly' } });
    const invoice = await h.stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ amount_paid: 12 * 2900 });
    expect(invoice.lines.data[0]).toMatchObject({ quantity: 12, amount: 12 * 2900 });
  });

  it('asks for one when no quantity is given, and refuses a quantity that is not a whole number from 1 to 10,000 without calling Stripe', async () => {
    const account = await h.newAccount();
    await h.checkout(account, 'pro');
    expect(sessionForm(0).line_items).toEqual([{ price: 'price_pro_monthly', quantity: '1' }]);
    for (const quantity of [0, -1, 2.5, 10_001, Number.NaN]) {
      const request = { accountId: account.id, planId: 'pro', identity: { platform: 'slack' as const, platformUserId: 'U1' }, quantity };
      await expect(h.service.billing.createCheckoutLink(request)).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^quantity: expected a whole number from 1 to 10000/) });
    }
    expect(h.emu.calls('POST', '/v1/checkout/sessions')).toHaveLength(1);
    await h.service.billing.createCheckoutLink({ accountId: account.id, planId: 'pro', identity: { platform: 'slack', platformUserId: 'U1' }, quantity: 10_000 });
    expect(sessionForm(1).line_items).toEqual([{ price: 'price_pro_monthly', quantity: '10000' }]);
  });

  it('refuses the free plan and an unknown plan with not_found, calling Stripe for neither', async () => {
    const account = await h.newAccount();
    await expect(h.checkout(account, 'free')).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.checkout(account, 'platinum')).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('pro') });
    expect(h.emu.calls('POST', '/v1/checkout/sessions')).toHaveLength(0);
  });

  it('refuses a second checkout while a subscription is live: changes go through the portal', async () => {
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    await h.pay(link.url, CARD_OK);
    await h.settle();
    await expect(h.checkout(account, 'vip')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('/billing') });
  });

  it('turns a Stripe failure into a BillingError without the secret key', async () => {
    const account = await h.newAccount();
    h.emu.failNext({ kind: 'server_error', status: 500 });
    const err = await h.checkout(account, 'pro').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalcastError);
    expect(err).toMatchObject({ name: 'BillingError', retryable: true });
    expect(String((err as Error).message)).not.toContain(h.emu.secretKey);
  });
});

describe('portal links', () => {
  it('refuses an account that never paid', async () => {
    const account = await h.newAccount();
    await expect(h.service.billing.createPortalLink(account.id)).rejects.toMatchObject({ code: 'not_found', message: 'no billing account yet: subscribe first' });
    expect(h.emu.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);
  });

  it('opens the portal for the customer saved at checkout, returning to our page', async () => {
    const account = await h.newAccount();
    await h.pay((await h.checkout(account, 'pro')).url, CARD_OK);
    await h.settle();
    const customer = (await h.accounts.getAccount(account.id))?.stripeCustomerId;
    expect(customer).toMatch(/^cus_/);
    const { url } = await h.service.billing.createPortalLink(account.id);
    expect(url).toContain(h.emu.url);
    expect(h.emu.calls('POST', '/v1/billing_portal/sessions')[0]?.form).toEqual({ customer, return_url: `${h.baseUrl}/billing/return` });
  });
});

describe('return pages', () => {
  it('serves the success page after paying, and the cancel page', async () => {
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    const paid = await h.pay(link.url, CARD_OK);
    expect(paid.status).toBe(303);
    const location = paid.headers.get('location') as string;
    expect(location).toBe(`${h.baseUrl}/billing/success?session_id=${link.sessionId}`);
    const page = await fetch(location);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Payment received, return to the chat');
    expect(await (await fetch(`${h.baseUrl}/billing/cancel`)).text()).toContain('Nothing was charged');
  });

  it('says the trial has started for a $0 trial checkout, checked with Stripe', async () => {
    const account = await h.newAccount();
    const link = await h.checkout(account, 'vip');
    const paid = await h.pay(link.url, CARD_OK);
    const page = await fetch(paid.headers.get('location') as string);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Your trial has started');
    expect(html).toContain('until 2026-01-22');
    expect(html).not.toContain('Payment received');
    expect(h.emu.calls('GET', `/v1/checkout/sessions/${link.sessionId}`).length).toBeGreaterThan(0);
  });

  it('never says "Payment received" for an unknown, made-up or unpaid session', async () => {
    const account = await h.newAccount();
    const open = await h.checkout(account, 'pro');
    const cases: [string, number, string][] = [
      [`?session_id=${open.sessionId}`, 200, 'Payment not finished'],
      ['?session_id=cs_test_a1doesnotexist', 404, 'Payment not found'],
      ['?session_id=<script>', 404, 'Payment not found'],
      ['', 404, 'Payment not found'],
    ];
    for (const [query, status, title] of cases) {
      const res = await fetch(`${h.baseUrl}/billing/success${query}`);
      const html = await res.text();
      expect([query, res.status]).toEqual([query, status]);
      expect(html).toContain(title);
      expect(html).not.toContain('Payment received');
      expect(html).not.toContain('<script>');
    }
  });

  it('says it could not check the payment when Stripe fails, without claiming it was received', async () => {
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    const paid = await h.pay(link.url, CARD_OK);
    h.emu.failNext({ kind: 'server_error', status: 500 }, { match: (req) => req.path.startsWith('/v1/checkout/sessions/') });
    const res = await fetch(paid.headers.get('location') as string);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('Payment not confirmed yet');
  });
});
