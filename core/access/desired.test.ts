import { describe, expect, it } from 'vitest';
import { entitlementOf, type SubscriptionState } from '../entitlement';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PlansConfig } from '../plans/schema';
import { desiredAccess, managedResources } from './desired';

const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

const plans: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, telegramChatIds: ['-1001', '-1002'], discordRoleIds: ['r1'] } : p)),
};

function sub(planId: string, status: string, fields: Partial<SubscriptionState> = {}): SubscriptionState {
  return { id: 'sub_1', planId, status, currentPeriodEnd: NOW + 10 * DAY, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe', ...fields };
}

const account = {
  accountId: 'acc_1',
  identities: [{ platform: 'telegram' as const, platformUserId: '7' }, { platform: 'discord' as const, platformUserId: '900' }],
};

describe('desiredAccess', () => {
  it("gives a Telegram identity every chat of the entitled plan, and Discord roles only with the guild known", () => {
    const e = entitlementOf(plans, sub('vip', 'active'), NOW);
    expect(desiredAccess(account, e).map((g) => [g.holder.platformUserId, g.resourceKey, g.reason])).toEqual([
      ['7', 'telegram:chat:-1001', 'active'],
      ['7', 'telegram:chat:-1002', 'active'],
    ]);
    expect(desiredAccess(account, e, { discordGuildId: 'g1' }).map((g) => g.resourceKey)).toContain('discord:role:g1:r1');
  });

  it('gives nothing to a lapsed account or to a plan without gated resources', () => {
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'unpaid'), NOW))).toEqual([]);
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'past_due', { pastDueSince: NOW - 4 * DAY }), NOW))).toEqual([]);
    expect(desiredAccess(account, entitlementOf(plans, sub('pro', 'active'), NOW))).toEqual([]);
  });

  it('keeps access within the grace period and for an unknown status', () => {
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'past_due', { pastDueSince: NOW - DAY }), NOW))).toHaveLength(2);
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'some_new_status'), NOW)).map((g) => g.reason)).toEqual(['unknown_status', 'unknown_status']);
  });

  it('gives nothing on a platform the plan is not offered on', () => {
    const telegramless: PlansConfig = { ...plans, plans: plans.plans.map((p) => (p.id === 'vip' ? { ...p, platforms: ['discord'] } : p)) };
    expect(desiredAccess(account, entitlementOf(telegramless, sub('vip', 'active'), NOW))).toEqual([]);
  });
});

describe('managedResources', () => {
  it('lists every resource any plan gates, once', () => {
    expect([...managedResources(plans, ['telegram', 'discord']).keys()]).toEqual(['telegram:chat:-1001', 'telegram:chat:-1002']);
    expect([...managedResources(plans, ['discord'], { discordGuildId: 'g1' }).keys()]).toEqual(['discord:role:g1:r1']);
  });
});
