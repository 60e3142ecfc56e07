import { describe, expect, it } from 'vitest';
import { currentCapabilities } from '../../core/capabilities';
import { commandWorld, only } from './commands.fixtures';
import { PAYMENTS_NOT_SET_UP } from './subscribe';

describe('/plans', () => {
  it('lists each plan with its price and only what this service delivers (no rationale, snapshot, Slack or API yet), and a Subscribe button per paid plan', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/plans'));
    expect(reply.text.split('\n')).toEqual([
      'The plans:',
      'Free, free: alerts 15 min after publication; up to 3 alerts a day; alerts by direct message',
      'Pro, $49.00/month: real-time alerts; no daily limit; alerts by direct message; 7-day free trial',
      'VIP, $149.00/month: real-time alerts; no daily limit; alerts by direct message; the members-only channel; 7-day free trial',
      'Enterprise, $990.00/month: real-time alerts; no daily limit; alerts by direct message',
    ]);
    expect(reply.text).not.toMatch(/reasoning|snapshot|team workspace|API access/);
    expect(reply.buttons).toEqual([
      [{ label: 'Subscribe to Pro ($49.00/month)', data: 'sub:pro' }],
      [{ label: 'Subscribe to VIP ($149.00/month)', data: 'sub:vip' }],
      [{ label: 'Subscribe to Enterprise ($990.00/month)', data: 'sub:enterprise' }],
    ]);
  });

  it('promises a feature only while what delivers it runs', async () => {
    const everything = { platforms: ['testchat', 'telegram', 'slack'], access: { telegram: ['chat' as const], slack: ['workspace' as const] }, payments: true, rationale: true, snapshot: true, subscriberApi: true };
    const all = only(await commandWorld({ capabilities: everything }).send('42', '/plans')).text;
    expect(all).toContain('VIP, $149.00/month: real-time alerts; no daily limit; the reasoning behind each alert; a daily snapshot; alerts by direct message; the members-only channel; API access');
    expect(all).toContain('Enterprise, $990.00/month: real-time alerts; no daily limit; the reasoning behind each alert; a daily snapshot; alerts by direct message; alerts in your team workspace; API access');
    // Without Telegram running, the VIP plan's Telegram channel cannot be given.
    const noTelegram = only(await commandWorld({ capabilities: currentCapabilities(['testchat'], true) }).send('42', '/plans')).text;
    expect(noTelegram).toContain('VIP, $149.00/month: real-time alerts; no daily limit; alerts by direct message; 7-day free trial');
  });

  it('without payments set up, offers no Subscribe button and says the paid plans cannot be bought', async () => {
    const w = commandWorld({ capabilities: currentCapabilities(['testchat'], false) });
    const reply = only(await w.send('42', '/plans'));
    expect(reply.buttons).toBeUndefined();
    expect(reply.text.split('\n').at(-1)).toBe(PAYMENTS_NOT_SET_UP);
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

  it('answers that payments are not set up, and asks nothing of billing, when Stripe is not configured', async () => {
    const w = commandWorld({ capabilities: currentCapabilities(['testchat'], false) });
    expect(only(await w.send('42', '/subscribe pro')).text).toBe('Payments are not set up yet, so the paid plans cannot be bought right now. Please try again later.');
    expect(only(await w.press('42', 'sub:vip')).text).toBe(PAYMENTS_NOT_SET_UP);
    expect(only(await w.send('42', '/subscribe')).text).toBe(PAYMENTS_NOT_SET_UP);
    expect(w.billing.checkouts).toEqual([]);
  });

  it('is private: in a group it makes no payment link', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/subscribe pro', { group: true })).text).toBe('Please send /subscribe to me in a private chat: the answer is for you only.');
    expect(w.billing.checkouts).toEqual([]);
  });
});
