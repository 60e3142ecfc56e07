import { describe, expect, it } from 'vitest';
import { entitlementOf, type SubscriptionState } from '../entitlement';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PlansConfig } from '../plans/schema';
import { planAccessActions, type AccessPlanInput } from './actions';
import { managedResources } from './desired';
import type { AccessAccount, InviteLinkRecord, MembershipRecord } from './store';

const NOW = Date.UTC(2026, 0, 15, 12);
const CHAT = 'telegram:chat:-1001';
const plans: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, access: [{ platform: 'telegram', kind: 'chat' as const, id: '-1001' }] } : p)) };

function account(id: string, userId: string, status: string | null): AccessAccount {
  const subscriptions: SubscriptionState[] = status === null ? [] : [{
    id: `sub_${id}`, planId: 'vip', status, currentPeriodEnd: NOW + 86_400_000, cancelAtPeriodEnd: false, trialEnd: null, pastDueSince: null, source: 'stripe',
  }];
  return { accountId: id, identities: [{ platform: 'telegram', platformUserId: userId }], subscriptions };
}

const member = (userId: string, state: MembershipRecord['state'] = 'member', resourceKey = CHAT): MembershipRecord =>
  ({ platform: 'telegram', resourceKey, platformUserId: userId, state, updatedAt: NOW });
const link = (userId: string, state: InviteLinkRecord['state'] = 'active'): InviteLinkRecord =>
  ({ id: `inv_${userId}`, platform: 'telegram', resourceKey: CHAT, link: `https://t.me/+${userId}`, accountId: null, platformUserId: userId, state, expiresAt: NOW + 1000, createdAt: NOW, updatedAt: NOW });

function plan(input: Partial<Omit<AccessPlanInput, 'accounts'>> & { accounts: AccessAccount[] }) {
  return planAccessActions({
    memberships: [],
    activeLinks: [],
    managed: managedResources(plans, ['telegram']),
    platforms: ['telegram'],
    includeStrangers: true,
    ...input,
    accounts: input.accounts.map((a) => ({ account: a, entitlement: entitlementOf(plans, a.subscriptions, NOW) })),
  });
}

const summary = (p: ReturnType<typeof plan>) => p.actions.map((a) => [a.kind, a.person.platformUserId, a.reason]);

describe('planAccessActions', () => {
  it('grants a paying account missing from the chat and revokes a lapsed member', () => {
    const p = plan({ accounts: [account('a', '1', 'active'), account('b', '2', 'canceled')], memberships: [member('2')] });
    expect(summary(p)).toEqual([
      ['grant', '1', 'entitled (active, plan vip)'],
      ['revoke', '2', 'not entitled (canceled, plan free)'],
    ]);
  });

  it('does nothing for a paying member, and makes no new link while an unused one is out', () => {
    const p = plan({ accounts: [account('a', '1', 'active'), account('b', '2', 'active')], memberships: [member('1')], activeLinks: [link('2')] });
    expect(p.actions).toEqual([]);
    expect(p.waiting.map((g) => g.holder.platformUserId)).toEqual(['2']);
  });

  it('approves a waiting join request of an entitled account and declines one of a stranger', () => {
    const p = plan({ accounts: [account('a', '1', 'active')], memberships: [member('1', 'requested'), member('9', 'requested')] });
    expect(summary(p)).toEqual([['approve', '1', 'entitled (active, plan vip)'], ['decline', '9', 'no account']]);
  });

  it('revokes the unused link of a lapsed account that never joined', () => {
    const p = plan({ accounts: [account('b', '2', 'unpaid')], activeLinks: [link('2')] });
    expect(summary(p)).toEqual([['revoke', '2', 'not entitled (unpaid, plan free)']]);
  });

  it('leaves strangers alone when reconciling one account, and chats no plan gates always', () => {
    const memberships = [member('9'), member('2', 'member', 'telegram:chat:-1999')];
    expect(plan({ accounts: [], memberships, includeStrangers: false }).actions).toEqual([]);
    expect(summary(plan({ accounts: [account('b', '2', null)], memberships }))).toEqual([['revoke', '9', 'no account']]);
  });

  it('withdraws a paying member\'s used link the platform never confirmed revoked, and nothing else', () => {
    const p = plan({ accounts: [account('a', '1', 'active')], memberships: [member('1')], liveLinks: [link('1', 'used')] });
    expect(summary(p)).toEqual([['revoke_link', '1', 'used invite link not confirmed revoked']]);
    expect(p.actions[0]).toMatchObject({ inviteLinkId: 'inv_1', resourceKey: CHAT, planId: 'vip', person: { accountId: 'a' } });
    // Its unused link is theirs to use: left alone.
    expect(plan({ accounts: [account('a', '1', 'active')], activeLinks: [link('1')], liveLinks: [link('1')] }).actions).toEqual([]);
  });

  it('leaves a lapsed member\'s used link to their revoke, which withdraws every link of theirs', () => {
    const p = plan({ accounts: [account('b', '2', 'canceled')], memberships: [member('2')], liveLinks: [link('2', 'used')] });
    expect(summary(p)).toEqual([['revoke', '2', 'not entitled (canceled, plan free)']]);
  });

  it('withdraws the used link of someone turned away at a join request; a stranger\'s goes with their revoke, in a full run only', () => {
    const requested = plan({ accounts: [account('b', '2', null)], memberships: [member('2', 'requested')], liveLinks: [link('2', 'used')] });
    expect(summary(requested).map(([kind]) => kind)).toEqual(['decline', 'revoke_link']);
    expect(summary(plan({ accounts: [], liveLinks: [link('9', 'used')] }))).toEqual([['revoke', '9', 'no account']]);
    expect(plan({ accounts: [], liveLinks: [link('9', 'used')], includeStrangers: false }).actions).toEqual([]);
  });

  it('acts only on platforms with a gate', () => {
    expect(plan({ accounts: [account('a', '1', 'active')], platforms: [] }).actions).toEqual([]);
    expect(plan({ accounts: [account('a', '1', 'active')], memberships: [member('1')], liveLinks: [link('1', 'used')], platforms: [] }).actions).toEqual([]);
  });

  it('adopts an entitled person who holds it by hand, with no platform call', () => {
    const p = plan({ accounts: [account('a', '1', 'active')], memberships: [member('1', 'held')] });
    expect(p.actions).toEqual([]);
    expect(p.adopt.map((g) => g.holder.platformUserId)).toEqual(['1']);
  });

  it('only reports someone holding it by hand without entitlement where the platform reports strangers', () => {
    const p = plan({ accounts: [account('b', '2', 'canceled')], memberships: [member('2', 'held'), member('9', 'held')], strangers: () => 'report' });
    expect(p.actions).toEqual([]);
    expect(p.unmanaged.map((u) => [u.person.platformUserId, u.reason])).toEqual([['2', 'not entitled (canceled, plan free)'], ['9', 'no account']]);
  });

  it('removes someone holding it by hand without entitlement where the platform removes strangers (the default), marked as given by hand', () => {
    const p = plan({ accounts: [account('b', '2', 'canceled')], memberships: [member('2', 'held')] });
    expect(p.actions.map((a) => [a.kind, a.person.platformUserId, a.reason, a.unmanaged])).toEqual([['revoke', '2', 'not entitled (canceled, plan free); given by hand', true]]);
    expect(p.unmanaged).toEqual([]);
  });

  it('still revokes a lapsed member it granted where the platform only reports strangers', () => {
    const p = plan({ accounts: [account('b', '2', 'canceled')], memberships: [member('2')], strangers: () => 'report' });
    expect(summary(p)).toEqual([['revoke', '2', 'not entitled (canceled, plan free)']]);
  });
});
