import { describe, expect, it } from 'vitest';
import { commandWorld, only } from './commands.fixtures';

describe('/plans', () => {
  it('lists each plan with its price and what it gives, and a Subscribe button per paid plan', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/plans'));
    expect(reply.text.split('\n')).toEqual([
      'The plans:',
      'Free, free: alerts 15 min after publication; up to 3 alerts a day; a daily snapshot; alerts by direct message',
      'Pro, $49.00/month: real-time alerts; no daily limit; the reasoning behind each alert; a daily snapshot; alerts by direct message; 7-day free trial',
      'VIP, $149.00/month: real-time alerts; no daily limit; the reasoning behind each alert; a daily snapshot; alerts by direct message; the members-only channel; API access; 7-day free trial',
      'Enterprise, $990.00/month: real-time alerts; no daily limit; the reasoning behind each alert; a daily snapshot; alerts by direct message; alerts in your team workspace; API access',
    ]);
    expect(reply.buttons).toEqual([
      [{ label: 'Subscribe to Pro ($49.00/month)', data: 'sub:pro' }],
      [{ label: 'Subscribe to VIP ($149.00/month)', data: 'sub:vip' }],
      [{ label: 'Subscribe to Enterprise ($990.00/month)', data: 'sub:enterprise' }],
    ]);
  });

  it('marks the plan the subscriber has', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    expect(only(await w.send('42', '/plans')).text).toContain('alerts by direct message (your plan)');
  });
});

describe('/subscribe', () => {
  it('answers with a URL button to Checkout carrying the account, the identity and the referral code', async () => {
    const w = commandWorld();
    await w.send('1', '/refer');
    const referrer = await w.accounts.findAccountByIdentity('testchat', '1');
    await w.send('42', `/start ref_${referrer!.referralCode}`);
    const reply = only(await w.send('42', '/subscribe PRO'));
    expect(reply.buttons).toEqual([[{ label: 'Pay for Pro', url: 'http://127.0.0.1:1/checkout/cs_test_1' }]]);
    expect(reply.text).toContain('Tap the button to pay');
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    expect(w.billing.checkouts).toEqual([{ accountId: account!.id, planId: 'pro', identity: { platform: 'testchat', platformUserId: '42' }, referralCode: referrer!.referralCode }]);
  });

  it('without a plan, offers the paid plans as buttons', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/subscribe'));
    expect(reply.buttons?.flat().map((b) => ('data' in b ? b.data : b.url))).toEqual(['sub:pro', 'sub:vip', 'sub:enterprise']);
    expect(w.billing.checkouts).toEqual([]);
  });

  it('names the valid plans for an unknown one, and asks nothing of billing', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/subscribe gold')).text).toBe('There is no plan "gold". The plans you can subscribe to are pro, vip and enterprise: for example /subscribe pro');
    expect(only(await w.send('42', '/subscribe free')).text).toBe('Free is free: you need no subscription for it.');
    expect(w.billing.checkouts).toEqual([]);
  });

  it('turns the pressed Subscribe button into the payment button, on the same message', async () => {
    const w = commandWorld();
    const reply = only(await w.press('42', 'sub:vip', '15'));
    expect(reply).toMatchObject({ editMessageId: '15', buttons: [[{ label: 'Pay for VIP', url: expect.stringContaining('/checkout/') }]] });
  });

  it('does not sell a plan the subscriber already has', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    await w.accounts.upsertSubscription({ accountId: account!.id, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1', currentPeriodEnd: w.clock.now() + 86_400_000 });
    expect(only(await w.send('42', '/subscribe pro')).text).toContain('You already have Pro');
    expect(w.billing.checkouts).toEqual([]);
  });

  it('is private: in a group it makes no payment link', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/subscribe pro', { group: true })).text).toBe('Please send /subscribe to me in a private chat: the answer is for you only.');
    expect(w.billing.checkouts).toEqual([]);
  });
});
