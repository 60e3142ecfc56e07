import { describe, expect, it } from 'vitest';
import type { SubscriptionState } from '../entitlement';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PlansConfig } from '../plans/schema';
import { checkRecipients, RecipientChecker } from './check';
import type { Candidate, ChannelCandidate, DirectCandidate, EntitledRecipient, PlanningAccount, PlanningContext, PlanningSignal } from './types';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const signal: PlanningSignal = { id: 'sig_1', symbol: 'BTC_USDT', side: 'long', band: 'B' };

function account(id: string, fields: Partial<PlanningAccount> = {}): PlanningAccount {
  return {
    id, symbolFilter: null, minBand: null, sideFilter: null, directMessages: true, quietStart: null, quietEnd: null, timeZone: 'UTC', paused: false,
    subscriptions: [],
    ...fields,
  };
}

function subscription(planId: string, fields: Partial<SubscriptionState> = {}): SubscriptionState {
  return { id: `sub_${planId}`, planId, status: 'active', currentPeriodEnd: NOW + 10 * DAY, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe', ...fields };
}

const direct = (destinationId: string, acc: PlanningAccount | null, platform: DirectCandidate['platform'] = 'testchat'): DirectCandidate =>
  ({ kind: 'direct', destinationId, platform, recipientKey: `${platform}:${destinationId}`, account: acc });
const channel = (destinationId: string, planId: string | null): ChannelCandidate =>
  ({ kind: 'channel', destinationId, platform: 'telegram', recipientKey: `telegram:${destinationId}`, planId });

function context(usage: Record<string, number> = {}, plans: PlansConfig = DEFAULT_PLANS, now = NOW): PlanningContext & { asked: string[] } {
  const asked: string[] = [];
  return { plans, now, asked, usageToday: (id) => (asked.push(id), usage[id] ?? 0) };
}

function only(candidates: Candidate[], ctx = context(), s = signal): EntitledRecipient {
  const check = checkRecipients(s, candidates, ctx);
  expect(check.recipients).toHaveLength(1);
  return check.recipients[0] as EntitledRecipient;
}

function exclusion(candidate: Candidate, ctx = context(), s = signal): string | undefined {
  const check = checkRecipients(s, [candidate], ctx);
  expect(check.recipients).toHaveLength(0);
  return check.excluded[0]?.reason;
}

describe('channel destinations', () => {
  it('get a paid real-time plan at once, at the top priority', () => {
    expect(only([channel('vip-room', 'vip')])).toMatchObject({ planId: 'vip', paid: true, dueAt: NOW, priority: 0, state: 'pending', accountId: null });
  });

  it('get the free plan (no plan on the channel) 15 minutes late, at the delayed priority', () => {
    expect(only([channel('public', null)])).toMatchObject({ planId: 'free', paid: false, dueAt: NOW + 15 * MIN, priority: 10 });
  });

  it('are skipped when their plan is not in the plans file', () => {
    expect(exclusion(channel('old', 'gold'))).toBe('unknown_plan');
  });
});
describe('channels an account owns', () => {
  const owned = (destinationId: string, owner: PlanningAccount, platform = 'testchat'): ChannelCandidate =>
    ({ kind: 'channel', destinationId, platform, recipientKey: `${platform}:${destinationId}`, planId: null, owner });

  it('follow the owner\'s entitlement, not their plan id: paid means real time, and one cap decision covers every channel', () => {
    const desk = account('acc_desk', { subscriptions: [subscription('pro')] });
    const check = checkRecipients(signal, [owned('c1', desk), owned('c2', desk)], context());
    expect(check.recipients.map((r) => [r.destinationId, r.accountId, r.planId, r.dueAt, r.priority])).toEqual([
      ['c1', 'acc_desk', 'pro', NOW, 0],
      ['c2', 'acc_desk', 'pro', NOW, 0],
    ]);
    const lapsed = account('acc_gone', { subscriptions: [subscription('pro', { status: 'canceled' })] });
    const ctx = context({ acc_gone: 3 });
    const capped = checkRecipients(signal, [owned('c3', lapsed), owned('c4', lapsed)], ctx);
    expect(capped.recipients.map((r) => [r.planId, r.state, r.skipReason])).toEqual([['free', 'skipped', 'daily_cap'], ['free', 'skipped', 'daily_cap']]);
    expect(ctx.asked).toEqual(['acc_gone']);
  });

  it('get nothing on a platform their plan is not offered on, and keep the owner\'s filters but not their direct-message choices', () => {
    const freeOnSome: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'free' ? { ...p, platforms: ['telegram', 'testchat'] } : p)) };
    expect(exclusion(owned('c1', account('acc_1'), 'teamchat'), context({}, freeOnSome))).toBe('platform_not_in_plan');
    expect(exclusion(owned('c1', account('acc_1', { subscriptions: [subscription('pro')], sideFilter: ['short'] })))).toBe('side_filter');
    const quiet = account('acc_2', { subscriptions: [subscription('pro')], directMessages: false, paused: true, quietStart: '00:00', quietEnd: '23:59' });
    expect(only([owned('c2', quiet)])).toMatchObject({ dueAt: NOW, deferred: false });
  });

  it('on a platform licensed per workspace get nothing without the licence, free plan included, and the licensed plan\'s alerts with it', () => {
    const licensing: PlansConfig = {
      ...DEFAULT_PLANS,
      plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'enterprise' ? { ...p, access: [{ platform: 'slack', kind: 'workspace' as const, id: 'licence' }] } : p)),
    };
    const ctx = () => context({}, licensing);
    const unlicensed = account('acc_ws', { subscriptions: [subscription('pro')] });
    expect(exclusion(owned('c1', account('acc_free_ws'), 'slack'), ctx())).toBe('no_workspace_licence');
    expect(exclusion(owned('c1', unlicensed, 'slack'), ctx())).toBe('no_workspace_licence');
    const licensed = account('acc_lic', { subscriptions: [subscription('enterprise')] });
    expect(only([owned('c2', licensed, 'slack')], ctx())).toMatchObject({ planId: 'enterprise', dueAt: NOW, accountId: 'acc_lic' });
    const lapsed = account('acc_lapsed', { subscriptions: [subscription('enterprise', { status: 'canceled' })] });
    const checker = new RecipientChecker(signal, ctx());
    checker.check([owned('c3', lapsed, 'slack'), owned('c4', lapsed, 'slack')]);
    expect(checker.excludedBy.get('no_workspace_licence')).toBe(2);
    // Elsewhere an owned channel still follows the owner's plan, licence or not.
    expect(only([owned('c5', unlicensed, 'testchat')], ctx())).toMatchObject({ planId: 'pro' });
  });

  it('keep their own filters besides the owner\'s, each failing with the rule it broke', () => {
    const desk = account('acc_desk', { subscriptions: [subscription('pro')] });
    const withFilters = (filters: ChannelCandidate['filters']): ChannelCandidate => ({ ...owned('c1', desk), filters });
    expect(exclusion(withFilters({ symbolFilter: ['ETH'], minBand: null, sideFilter: null }))).toBe('symbol_filter');
    expect(exclusion(withFilters({ symbolFilter: null, minBand: 'A', sideFilter: null }))).toBe('min_band');
    expect(exclusion(withFilters({ symbolFilter: null, minBand: null, sideFilter: ['short'] }))).toBe('side_filter');
    expect(only([withFilters({ symbolFilter: ['btc'], minBand: 'B', sideFilter: ['long'] })])).toMatchObject({ planId: 'pro' });
    expect(exclusion({ ...channel('room', 'vip'), filters: { symbolFilter: ['SOL'], minBand: null, sideFilter: null } })).toBe('symbol_filter');
    expect(only([{ ...channel('room', 'vip'), filters: { symbolFilter: ['BTC'], minBand: null, sideFilter: null } }])).toMatchObject({ planId: 'vip' });
  });

  it('with no owner follow their plan id, as every channel did before', () => {
    expect(only([{ ...channel('room', 'vip'), owner: null }])).toMatchObject({ planId: 'vip', accountId: null, dueAt: NOW });
  });
});


describe('direct destinations', () => {
  it('follow the account entitlement: a paid plan is real-time at priority 0', () => {
    const r = only([direct('d1', account('a1', { subscriptions: [subscription('pro')] }))]);
    expect(r).toMatchObject({ accountId: 'a1', planId: 'pro', paid: true, dueAt: NOW, priority: 0, state: 'pending', skipReason: null, deferred: false });
  });

  it('fall back to the free plan without a subscription or once it lapsed', () => {
    expect(only([direct('d1', account('a1'))])).toMatchObject({ planId: 'free', paid: false, dueAt: NOW + 15 * MIN, priority: 10 });
    const lapsed = account('a2', { subscriptions: [subscription('pro', { status: 'unpaid' })] });
    expect(only([direct('d2', lapsed)])).toMatchObject({ planId: 'free', dueAt: NOW + 15 * MIN });
  });

  it('keep the plan of an unknown status and report it for the operator', () => {
    const check = checkRecipients(signal, [direct('d1', account('a1', { subscriptions: [subscription('vip', { status: 'frozen' })] }))], context());
    expect(check.recipients[0]).toMatchObject({ planId: 'vip', paid: true, priority: 0 });
    expect(check.operatorAlerts).toEqual([{ accountId: 'a1', subscriptionId: 'sub_vip', status: 'frozen', reason: 'unknown_status' }]);
  });

  it('report an unknown status once per account, however many destinations and batches it has', () => {
    const acc = account('a1', { subscriptions: [subscription('vip', { status: 'frozen' })] });
    const checker = new RecipientChecker(signal, context());
    checker.check([direct('d1', acc), direct('d2', acc, 'whatsapp')]);
    const second = checker.check([direct('d3', acc, 'telegram')]);
    expect(second.recipients[0]).toMatchObject({ planId: 'vip', priority: 0 });
    expect(checker.operatorAlerts).toEqual([{ accountId: 'a1', subscriptionId: 'sub_vip', status: 'frozen', reason: 'unknown_status' }]);
  });

  it('get the best plan among several subscriptions', () => {
    const acc = account('a1', { subscriptions: [subscription('pro'), subscription('vip', { status: 'canceled' }), subscription('enterprise', { status: 'trialing', trialEnd: NOW + DAY })] });
    expect(only([direct('d1', acc, 'slack')])).toMatchObject({ planId: 'enterprise', paid: true, priority: 0 });
  });

  it('need a plan that allows direct messages on that platform', () => {
    const noDirect: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'free' ? { ...p, directMessages: false } : p)) };
    expect(exclusion(direct('d1', account('a1')), context({}, noDirect))).toBe('plan_no_direct_messages');
    const proOnTelegram: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'pro' ? { ...p, platforms: ['telegram', 'testchat'] } : p)) };
    expect(exclusion(direct('d2', account('a2', { subscriptions: [subscription('pro')] }), 'slack'), context({}, proOnTelegram))).toBe('platform_not_in_plan');
  });

  it('need direct messages on and the account not paused', () => {
    expect(exclusion(direct('d1', account('a1', { directMessages: false })))).toBe('direct_messages_off');
    expect(exclusion(direct('d1', account('a1', { paused: true })))).toBe('paused');
  });

  it('are skipped when they belong to no account', () => {
    expect(exclusion(direct('d1', null))).toBe('no_account');
  });
});

describe('account filters', () => {
  it('match symbols case-insensitively', () => {
    expect(only([direct('d1', account('a1', { symbolFilter: ['eth', 'btc_usdt'] }))]).destinationId).toBe('d1');
    expect(exclusion(direct('d2', account('a2', { symbolFilter: ['ETH'] })))).toBe('symbol_filter');
  });

  it('drop signals below the minimum band', () => {
    expect(exclusion(direct('d1', account('a1', { minBand: 'A' })))).toBe('min_band');
    expect(only([direct('d2', account('a2', { minBand: 'B' }))]).destinationId).toBe('d2');
    expect(only([direct('d3', account('a3', { minBand: 'C' }))]).destinationId).toBe('d3');
  });

  it('drop sides the account does not want', () => {
    expect(exclusion(direct('d1', account('a1', { sideFilter: ['short', 'close'] })))).toBe('side_filter');
    expect(only([direct('d2', account('a2', { sideFilter: ['long'] }))]).destinationId).toBe('d2');
  });

  it('treat empty lists as no filter', () => {
    expect(only([direct('d1', account('a1', { symbolFilter: [], sideFilter: [] }))]).destinationId).toBe('d1');
  });
});

describe('daily cap', () => {
  it('plans the alert while the account is under its cap (free: 3 a day)', () => {
    expect(only([direct('d1', account('a1'))], context({ a1: 2 }))).toMatchObject({ state: 'pending', skipReason: null });
  });

  it('writes a skipped recipient once the cap is reached, so that it is counted', () => {
    const check = checkRecipients(signal, [direct('d1', account('a1'))], context({ a1: 3 }));
    expect(check.recipients[0]).toMatchObject({ state: 'skipped', skipReason: 'daily_cap', accountId: 'a1' });
    expect([check.planned, check.skipped]).toEqual([0, 1]);
  });

  it('decides once per account: two destinations of one account count the signal once', () => {
    const shared = account('a1');
    const ctx = context({ a1: 2 });
    const check = checkRecipients(signal, [direct('tg', shared), direct('wa', { ...shared }, 'whatsapp')], ctx);
    expect(check.recipients.map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(ctx.asked).toEqual(['a1']);
    const over = checkRecipients(signal, [direct('tg', shared), direct('wa', shared, 'whatsapp')], context({ a1: 3 }));
    expect(over.recipients.map((r) => r.skipReason)).toEqual(['daily_cap', 'daily_cap']);
  });

  it('never asks for the usage of accounts without a cap', () => {
    const ctx = context({ a1: 1000 });
    expect(only([direct('d1', account('a1', { subscriptions: [subscription('pro')] }))], ctx).state).toBe('pending');
    expect(ctx.asked).toEqual([]);
  });

  it('keeps what it learnt about an account across batches', () => {
    const ctx = context({ a1: 3 });
    const checker = new RecipientChecker(signal, ctx);
    checker.check([direct('d1', account('a1'))]);
    const second = checker.check([direct('d2', account('a1')), channel('c', 'pro')]);
    expect(second.recipients.map((r) => r.state)).toEqual(['skipped', 'pending']);
    expect(ctx.asked).toEqual(['a1']);
    expect([checker.planned, checker.skipped]).toEqual([1, 2]);
  });
});

describe('quiet hours', () => {
  const quiet = { quietStart: '22:00', quietEnd: '07:00' };

  it('defer a real-time alert due inside quiet hours to their end', () => {
    const at = Date.UTC(2026, 0, 15, 23, 0);
    const acc = account('a1', { ...quiet, subscriptions: [subscription('pro')] });
    expect(only([direct('d1', acc)], context({}, DEFAULT_PLANS, at))).toMatchObject({ dueAt: Date.UTC(2026, 0, 16, 7, 0), deferred: true, priority: 0 });
  });

  it('apply after the delay: a free alert published at 21:50 is due at 22:05, inside, so it waits until 07:00', () => {
    const at = Date.UTC(2026, 0, 15, 21, 50);
    expect(only([direct('d1', account('a1', quiet))], context({}, DEFAULT_PLANS, at))).toMatchObject({ dueAt: Date.UTC(2026, 0, 16, 7, 0), deferred: true });
    const earlier = Date.UTC(2026, 0, 15, 21, 40);
    expect(only([direct('d1', account('a1', quiet))], context({}, DEFAULT_PLANS, earlier))).toMatchObject({ dueAt: earlier + 15 * MIN, deferred: false });
  });

  it('are read in the account time zone', () => {
    // 12:00 UTC is 21:00 in Tokyo: outside 22:00-07:00 there. 14:00 UTC is 23:00 in Tokyo: inside, until 22:00 UTC.
    const acc = account('a1', { ...quiet, timeZone: 'Asia/Tokyo', subscriptions: [subscription('pro')] });
    expect(only([direct('d1', acc)]).deferred).toBe(false);
    const at = Date.UTC(2026, 0, 15, 14, 0);
    expect(only([direct('d1', acc)], context({}, DEFAULT_PLANS, at)).dueAt).toBe(Date.UTC(2026, 0, 15, 22, 0));
  });

  it('do not apply to channels', () => {
    const at = Date.UTC(2026, 0, 15, 23, 0);
    expect(only([channel('c', 'pro')], context({}, DEFAULT_PLANS, at)).dueAt).toBe(at);
  });
});

describe('EntitledRecipient', () => {
  it('can only come from the check', () => {
    // @ts-expect-error a plain object is not a checked recipient
    const forged: EntitledRecipient = { destinationId: 'd', platform: 'testchat', recipientKey: 'k', accountId: null, planId: 'pro', paid: true, priority: 0, dueAt: 0, state: 'pending', skipReason: null, deferred: false };
    expect(forged.destinationId).toBe('d');
  });
});

describe('the maximum alert age', () => {
  const vip = (maxAlertAgeMinutes: number | null): PlansConfig =>
    ({ ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, maxAlertAgeMinutes } : p)) });

  it('expires an alert at its due time plus the shorter of the plan\'s and the signal\'s maximum age, or never when neither sets one', () => {
    expect(only([channel('vip-room', 'vip')], context({}, vip(15)))).toMatchObject({ dueAt: NOW, expiresAt: NOW + 15 * MIN });
    expect(only([channel('vip-room', 'vip')], context({}, vip(15)), { ...signal, maxAlertAgeMinutes: 5 })).toMatchObject({ expiresAt: NOW + 5 * MIN });
    expect(only([channel('vip-room', 'vip')], context({}, vip(null)), { ...signal, maxAlertAgeMinutes: 7 })).toMatchObject({ expiresAt: NOW + 7 * MIN });
    expect(only([channel('vip-room', 'vip')], context({}, vip(null)))).toMatchObject({ expiresAt: null });
    // A delayed plan's age runs from its due time.
    const free = only([channel('public', null)], context({}, { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'free' ? { ...p, maxAlertAgeMinutes: 30 } : p)) }));
    expect(free).toMatchObject({ dueAt: NOW + 15 * MIN, expiresAt: NOW + 45 * MIN });
  });
});
