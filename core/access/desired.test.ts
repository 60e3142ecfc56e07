import { describe, expect, it } from 'vitest';
import { entitlementOf, type SubscriptionState } from '../entitlement';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PlansConfig } from '../plans/schema';
import { desiredAccess, managedResources } from './desired';

const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

const plans: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip'
    ? {
        ...p,
        access: [
          { platform: 'telegram', kind: 'chat' as const, id: '-1001' },
          { platform: 'telegram', kind: 'chat' as const, id: '-1002' },
          { platform: 'discord', kind: 'role' as const, tenant: 'g1', id: 'r1' },
        ],
      }
    : p)),
};

function sub(planId: string, status: string, fields: Partial<SubscriptionState> = {}): SubscriptionState {
  return { id: 'sub_1', planId, status, currentPeriodEnd: NOW + 10 * DAY, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe', ...fields };
}

const account = {
  accountId: 'acc_1',
  identities: [{ platform: 'telegram' as const, platformUserId: '7' }, { platform: 'discord' as const, platformUserId: '900' }],
};

describe('desiredAccess', () => {
  it("gives each identity every place the entitled plan's access list gates on that identity's platform: chats, and roles with their tenant", () => {
    const e = entitlementOf(plans, sub('vip', 'active'), NOW);
    expect(desiredAccess(account, e).map((g) => [g.holder.platformUserId, g.resourceKey, g.reason])).toEqual([
      ['7', 'telegram:chat:-1001', 'active'],
      ['7', 'telegram:chat:-1002', 'active'],
      ['900', 'discord:role:g1:r1', 'active'],
    ]);
  });

  it('gives nothing to a lapsed account or to a plan without gated resources', () => {
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'unpaid'), NOW))).toEqual([]);
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'past_due', { pastDueSince: NOW - 4 * DAY }), NOW))).toEqual([]);
    expect(desiredAccess(account, entitlementOf(plans, sub('pro', 'active'), NOW))).toEqual([]);
  });

  it('keeps access within the grace period and for an unknown status', () => {
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'past_due', { pastDueSince: NOW - DAY }), NOW))).toHaveLength(3);
    expect(desiredAccess(account, entitlementOf(plans, sub('vip', 'some_new_status'), NOW)).map((g) => g.reason)).toEqual(['unknown_status', 'unknown_status', 'unknown_status']);
  });

  it('gives nothing on a platform the plan is not offered on', () => {
    const telegramless: PlansConfig = { ...plans, plans: plans.plans.map((p) => (p.id === 'vip' ? { ...p, platforms: ['discord'] } : p)) };
    expect(desiredAccess(account, entitlementOf(telegramless, sub('vip', 'active'), NOW)).map((g) => g.resourceKey)).toEqual(['discord:role:g1:r1']);
    const nowhere: PlansConfig = { ...plans, plans: plans.plans.map((p) => (p.id === 'vip' ? { ...p, platforms: ['testchat'] } : p)) };
    expect(desiredAccess(account, entitlementOf(nowhere, sub('vip', 'active'), NOW))).toEqual([]);
  });
});

describe('managedResources', () => {
  it('lists every resource any plan gates, once', () => {
    const twice: PlansConfig = { ...plans, plans: plans.plans.map((p) => (p.id === 'enterprise' ? { ...p, access: [{ platform: 'telegram', kind: 'chat' as const, id: '-1001' }] } : p)) };
    expect([...managedResources(twice, ['telegram', 'discord']).keys()]).toEqual(['telegram:chat:-1001', 'telegram:chat:-1002', 'discord:role:g1:r1']);
    expect([...managedResources(plans, ['discord']).keys()]).toEqual(['discord:role:g1:r1']);
    expect([...managedResources(plans, ['testchat']).keys()]).toEqual([]);
  });
});
