import { describe, expect, it } from 'vitest';
import { entitlementOf } from '../../core/entitlement';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { seedSubscribers } from '../../db/testing/seed';
import { commandWorld, only, OPERATOR_ID, type CommandWorld } from './commands.fixtures';

const DAY = 86_400_000;

async function planOf(w: CommandWorld, userId: string): Promise<string> {
  const account = await w.accounts.findAccountByIdentity('testchat', userId);
  return entitlementOf(w.deps.plans, await w.accounts.listSubscriptions(account!.id), w.clock.now()).plan.id;
}

describe('operator commands', () => {
  it('are refused for everyone else, and nothing changes', async () => {
    const w = commandWorld();
    await w.send('42', '/start', { username: 'ada' });
    const before = w.actions();
    for (const command of ['/publish BTC long 0.9 Up', '/stats', '/grant @ada pro 30', '/revoke @ada']) {
      expect(only(await w.send('43', command)).text).toBe(`Sorry, ${command.split(' ')[0]} is not allowed for you.`);
    }
    expect(await planOf(w, '42')).toBe('free');
    expect(w.db.$client.prepare('SELECT count(*) AS n FROM signals').get()).toEqual({ n: 0 });
    expect(w.actions().slice(0, before.length)).toEqual(before);
    expect(await w.accounts.findIdentity('testchat', '43')).toBeNull();
  });

  it('/grant gives a plan for some days to an @username, as a grant subscription with an audit event', async () => {
    const changed: string[] = [];
    const w = commandWorld({ onEntitlementChanged: (accountId, reason) => void changed.push(`${accountId}:${reason}`) });
    await w.send('42', '/start', { username: 'Ada' });
    const reply = only(await w.send(OPERATOR_ID, '/grant @ada vip 30'));
    expect(reply.text).toBe('Granted VIP to @Ada until 4 Feb 2026.');
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    const [sub] = await w.accounts.listSubscriptions(account!.id);
    expect(sub).toMatchObject({ planId: 'vip', status: 'active', source: 'grant', currentPeriodEnd: new Date(w.clock.now() + 30 * DAY) });
    expect(await planOf(w, '42')).toBe('vip');
    expect(w.audit.list({ limit: 1 })[0]).toMatchObject({ action: 'subscription.granted', actor: `operator:testchat:${OPERATOR_ID}`, subjectId: account!.id });
    expect(changed).toEqual([`${account!.id}:grant`]);
    await w.clock.advance(30 * DAY);
    expect(await planOf(w, '42')).toBe('free');
  });

  it('/grant accepts a platform user id and names every bad argument', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    expect(only(await w.send(OPERATOR_ID, '/grant 42 pro 7')).text).toMatch(/^Granted Pro to 42 until/);
    expect(only(await w.send(OPERATOR_ID, '/grant 42 gold 0')).text).toBe(
      'Nothing changed. plan: expected one of pro, vip and enterprise, got "gold"; days: expected a whole number from 1 to 3650, got "0".');
    expect(only(await w.send(OPERATOR_ID, '/grant 42 free 3')).text).toContain('plan: expected one of pro, vip and enterprise, got "free"');
    expect(only(await w.send(OPERATOR_ID, '/grant 42 pro')).text).toMatch(/^Nothing changed\. Usage: \/grant USER PLAN DAYS/);
    expect(only(await w.send(OPERATOR_ID, '/grant @nobody pro 3')).text).toBe('Nothing changed: no user "@nobody" is known to the bot. They must send /start to the bot first.');
    expect(w.actions().filter((a) => a === 'subscription.granted')).toHaveLength(1);
  });

  it('/revoke ends granted plans but not paid ones', async () => {
    const w = commandWorld();
    await w.send('42', '/start', { username: 'ada' });
    await w.send(OPERATOR_ID, '/grant @ada vip 30');
    expect(only(await w.send(OPERATOR_ID, '/revoke @ada')).text).toBe('Revoked VIP from @ada.');
    expect(await planOf(w, '42')).toBe('free');
    expect(w.actions().at(-1)).toBe('subscription.revoked');
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    await w.accounts.upsertSubscription({ accountId: account!.id, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_9' });
    expect(only(await w.send(OPERATOR_ID, '/revoke @ada')).text).toBe('Nothing changed: @ada has no granted plan. Paid subscriptions are cancelled in Stripe, not here.');
    expect(await planOf(w, '42')).toBe('pro');
  });

  it('/stats counts subscribers by plan and status, and deliveries created today by state', async () => {
    const w = commandWorld();
    seedSubscribers(w.db, { count: 3, planId: 'pro', now: w.clock.now() });
    seedSubscribers(w.db, { count: 1, planId: 'pro', status: 'past_due', now: w.clock.now() });
    seedSubscribers(w.db, { count: 2, now: w.clock.now() });
    await w.send(OPERATOR_ID, '/publish ETHUSDT short 0.7 Weak bid');
    const text = only(await w.send(OPERATOR_ID, '/stats')).text;
    expect(text.split('\n')).toEqual([
      'Subscribers by plan and status:',
      '  pro: active 3, past_due 1',
      '  no subscription (free): 2',
      'Deliveries today (UTC): pending 6',
    ]);
    await w.clock.advance(DAY);
    expect(only(await w.send(OPERATOR_ID, '/stats')).text).toContain('Deliveries today (UTC): none');
  });

  it('/publish stores the signal and plans its deliveries; a redelivered message publishes once', async () => {
    const published: string[] = [];
    const w = commandWorld({ onPublished: (o) => void published.push(o.signal.id) });
    seedSubscribers(w.db, { count: 2, planId: 'pro', now: w.clock.now() });
    const reply = only(await w.send(OPERATOR_ID, '/publish BTC_USD<&> LONG 0.82 Breakout <above> range; funding & basis flipped', { messageId: '5' }));
    expect(reply.text).toMatch(/^Published long BTC_USD<&> \(conviction 0\.82, band A\) as sig_\w+: 2 deliveries planned\.$/);
    const row = w.db.$client.prepare('SELECT symbol, market, side, reasons, published_by AS publishedBy, publisher_id AS publisherId FROM signals').get();
    expect(row).toEqual({
      symbol: 'BTC_USD<&>', market: 'crypto', side: 'long', reasons: JSON.stringify(['Breakout <above> range', 'funding & basis flipped']),
      publishedBy: `chat:testchat:${OPERATOR_ID}`, publisherId: `chat:testchat:${OPERATOR_ID}:5`,
    });
    expect(only(await w.send(OPERATOR_ID, '/publish BTC_USD<&> LONG 0.82 Breakout', { messageId: '5' })).text).toMatch(/^Already published as sig_/);
    expect(published).toHaveLength(1);
  });

  it('/publish of more candidates than one chunk says how many remain to plan and how long reaching them takes', async () => {
    const w = commandWorld();
    // Chunks of 2 and 2 sends a second on the test chat: 2 planned before the reply, 5 candidates, 3 s to reach them.
    w.deps.signals = new SqliteSignalService({ db: w.db, clock: w.clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, chunkSize: 2, rates: { perSecond: () => 2 } });
    seedSubscribers(w.db, { count: 5, planId: 'pro', now: w.clock.now() });
    const reply = only(await w.send(OPERATOR_ID, '/publish BTCUSDT long 0.82 Breakout', { messageId: '6' }));
    const id = (w.db.$client.prepare('SELECT id FROM signals').pluck().get() as string);
    expect(reply.text).toBe(`Published long BTCUSDT (conviction 0.82, band A) as ${id}: 2 deliveries planned so far, of 5 candidates; `
      + 'the rest are planned in the background. Reaching them all at the configured rates: Test chat about 3 s for 5.');
    expect(w.db.$client.prepare("SELECT state, cursor FROM planning_jobs").get()).toMatchObject({ state: 'planning' });
  });

  it('/publish names every bad field and publishes nothing', async () => {
    const w = commandWorld();
    expect(only(await w.send(OPERATOR_ID, '/publish BTC sideways 1.5 Up')).text).toMatch(
      /^Nothing was published\. side: expected one of "long", "short", "close"; conviction: expected a number <= 1\.\nUsage: \/publish/);
    expect(only(await w.send(OPERATOR_ID, '/publish BTC long 0.8')).text).toMatch(/^Nothing was published\. reasons: expected at least 1 item/);
    expect(only(await w.send(OPERATOR_ID, '/publish BTC long')).text).toMatch(/^Nothing was published\. Usage:/);
    expect(only(await w.send(OPERATOR_ID, '/publish BTC long high Up')).text).toContain('conviction: expected a number');
    expect(w.db.$client.prepare('SELECT count(*) AS n FROM signals').get()).toEqual({ n: 0 });
  });
});
