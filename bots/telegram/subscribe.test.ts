import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { paidPlans } from '../../core/plans/lookup';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { createBillingService } from '../../billing';
import { createStripeClient } from '../../billing/client';
import { SqliteReferralStore } from '../../db/stores/referral-store';
import { SqliteStripeEventStore } from '../../db/stores/stripe-event-store';
import { startStripeEmulator, type StripeEmulator } from '../../sandbox/stripe';
import { silentLogger } from '../../core/logger';
import { botWorld, type BotWorld } from './bot.fixtures';

describe('/subscribe on Telegram with the real billing and the Stripe emulator', () => {
  let w: BotWorld | undefined;
  let stripeEmu: StripeEmulator | undefined;
  afterEach(async () => {
    await w?.stop();
    await stripeEmu?.stop();
  });

  it('answers /subscribe pro with a URL button to a checkout page the Stripe emulator serves, for this account', async () => {
    const clock = new FakeClock();
    stripeEmu = await startStripeEmulator({
      clock,
      plans: paidPlans(DEFAULT_PLANS).map((p) => ({ planId: p.id, name: p.name, priceId: p.stripePriceId as string, amountCents: p.priceCents, currency: p.currency, interval: p.interval, trialDays: p.trialDays })),
    });
    w = await botWorld();
    const { commands } = w;
    const stripe = createStripeClient({ secretKey: stripeEmu.secretKey, apiBase: stripeEmu.url, maxNetworkRetries: 0 });
    const service = createBillingService({
      stripe,
      webhookSecret: undefined,
      accounts: commands.accounts,
      events: new SqliteStripeEventStore({ db: commands.db, clock }),
      referrals: new SqliteReferralStore({ db: commands.db, clock }),
      audit: commands.audit,
      plans: DEFAULT_PLANS,
      clock,
      logger: silentLogger,
      publicUrl: 'http://127.0.0.1:1',
    });
    commands.deps.billing = service.billing;

    await w.say(42, '/subscribe pro');
    const [message] = w.emu.sentMessages(42);
    const button = message?.reply_markup?.inline_keyboard[0]?.[0];
    expect(button).toMatchObject({ text: 'Pay for Pro', url: expect.stringMatching(new RegExp(`^${stripeEmu.url}/`)) });
    const page = await fetch((button as { url: string }).url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/4242|card/i);
    const account = await commands.accounts.findAccountByIdentity('telegram', '42');
    const sessions = await stripe.checkout.sessions.list({ limit: 1 });
    expect(sessions.data[0]).toMatchObject({ client_reference_id: account!.id, metadata: { accountId: account!.id, planId: 'pro', platform: 'telegram', platformUserId: '42' } });
  });
});
