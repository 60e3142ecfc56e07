import { describe, expect, it } from 'vitest';
import { DENYING_STATUSES, entitlementOf, GRANTING_STATUSES, plainPlanOf, type SubscriptionState } from './entitlement';
import { DEFAULT_PLANS } from './plans/default-plans';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const plans = DEFAULT_PLANS; // graceDays 3

function sub(fields: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    id: 'sub_1',
    planId: 'pro',
    status: 'active',
    currentPeriodEnd: NOW + 10 * DAY,
    cancelAtPeriodEnd: false,
    trialEnd: null,
    pastDueSince: null,
    source: 'stripe',
    ...fields,
  };
}

describe('entitlementOf', () => {
  it('gives the free plan to an account without subscriptions', () => {
    const e = entitlementOf(plans, [], NOW);
    expect(e).toMatchObject({ decision: 'none', reason: 'no_subscription', paid: false, until: null, subscriptionId: null, alertOperator: false });
    expect(e.plan.id).toBe('free');
  });

  it.each([
    ['trialing', { trialEnd: NOW + 2 * DAY }, 'trialing', NOW + 2 * DAY],
    ['active', {}, 'active', null],
  ] as const)('grants %s', (status, fields, reason, until) => {
    const e = entitlementOf(plans, sub({ status, ...fields }), NOW);
    expect(e).toMatchObject({ decision: 'grant', reason, paid: true, until, subscriptionId: 'sub_1' });
    expect(e.plan.id).toBe('pro');
  });

  it.each(['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'])('denies %s and falls back to the free plan', (status) => {
    const e = entitlementOf(plans, sub({ status }), NOW);
    expect(e).toMatchObject({ decision: 'deny', reason: status, paid: false, subscriptionId: 'sub_1', alertOperator: false });
    expect(e.plan.id).toBe('free');
  });

  it('keeps the plan of a subscription whose status it does not know, and asks for the operator', () => {
    const e = entitlementOf(plans, sub({ status: 'on_hold_for_review' }), NOW);
    expect(e).toMatchObject({ decision: 'keep', reason: 'unknown_status', paid: true, alertOperator: true });
    expect(e.plan.id).toBe('pro');
  });

  describe('past_due grace period', () => {
    const since = NOW - 3 * DAY;
    it('grants until the grace period ends, counted from pastDueSince', () => {
      const e = entitlementOf(plans, sub({ status: 'past_due', pastDueSince: since }), since + 3 * DAY - 1);
      expect(e).toMatchObject({ decision: 'grant', reason: 'past_due_grace', until: since + 3 * DAY });
    });

    it('denies from the first millisecond after the grace period', () => {
      const e = entitlementOf(plans, sub({ status: 'past_due', pastDueSince: since }), since + 3 * DAY);
      expect(e).toMatchObject({ decision: 'deny', reason: 'grace_ended' });
      expect(e.plan.id).toBe('free');
    });

    it('counts from currentPeriodEnd when pastDueSince is unknown', () => {
      const periodEnd = NOW - 2 * DAY;
      expect(entitlementOf(plans, sub({ status: 'past_due', currentPeriodEnd: periodEnd }), periodEnd + 3 * DAY - 1).decision).toBe('grant');
      expect(entitlementOf(plans, sub({ status: 'past_due', currentPeriodEnd: periodEnd }), periodEnd + 3 * DAY).decision).toBe('deny');
    });

    it('uses the graceDays it is given', () => {
      const s = sub({ status: 'past_due', pastDueSince: NOW - DAY });
      expect(entitlementOf(plans, s, NOW, 0).reason).toBe('grace_ended');
      expect(entitlementOf(plans, s, NOW, 7).until).toBe(NOW + 6 * DAY);
    });

    it('accepts Dates as drizzle rows carry them', () => {
      const e = entitlementOf(plans, sub({ status: 'past_due', pastDueSince: new Date(NOW - DAY), currentPeriodEnd: new Date(NOW) }), new Date(NOW));
      expect(e.until).toBe(NOW + 2 * DAY);
    });
  });

  describe('trial end', () => {
    it('grants a trial until its end and denies from then on while Stripe has not moved it', () => {
      const s = sub({ status: 'trialing', trialEnd: NOW });
      expect(entitlementOf(plans, s, NOW - 1)).toMatchObject({ decision: 'grant', until: NOW });
      expect(entitlementOf(plans, s, NOW)).toMatchObject({ decision: 'deny', reason: 'trial_ended' });
    });

    it('keeps access once Stripe reports the trial converted to active', () => {
      expect(entitlementOf(plans, sub({ status: 'active', trialEnd: NOW - DAY }), NOW)).toMatchObject({ decision: 'grant', reason: 'active' });
    });
  });

  describe('cancel at period end', () => {
    const periodEnd = NOW + DAY;
    const s = sub({ cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd });

    it('keeps access until the period ends, and says until when', () => {
      expect(entitlementOf(plans, s, periodEnd - 1)).toMatchObject({ decision: 'grant', reason: 'active', until: periodEnd });
    });

    it('denies after the period end even while Stripe still says active', () => {
      expect(entitlementOf(plans, s, periodEnd)).toMatchObject({ decision: 'deny', reason: 'canceled_at_period_end', paid: false });
    });

    it('ends a trial that is cancelled at period end at the earlier of the two', () => {
      const trial = sub({ status: 'trialing', trialEnd: NOW + 5 * DAY, cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd });
      expect(entitlementOf(plans, trial, NOW).until).toBe(periodEnd);
      expect(entitlementOf(plans, trial, periodEnd).reason).toBe('canceled_at_period_end');
    });
  });

  describe('operator grants', () => {
    it('grants until the grant expires, then denies', () => {
      const grant = sub({ source: 'grant', planId: 'vip', currentPeriodEnd: NOW + DAY });
      expect(entitlementOf(plans, grant, NOW)).toMatchObject({ decision: 'grant', reason: 'grant', until: NOW + DAY, paid: true });
      expect(entitlementOf(plans, grant, NOW + DAY)).toMatchObject({ decision: 'deny', reason: 'grant_expired' });
    });

    it('a grant without an expiry lasts', () => {
      expect(entitlementOf(plans, sub({ source: 'grant', currentPeriodEnd: null }), NOW + 1000 * DAY)).toMatchObject({ decision: 'grant', until: null });
    });
  });

  describe('several subscriptions', () => {
    it('gives the highest-level plan among those that grant', () => {
      const e = entitlementOf(plans, [
        sub({ id: 'a', planId: 'pro' }),
        sub({ id: 'b', planId: 'enterprise', status: 'canceled' }),
        sub({ id: 'c', planId: 'vip', status: 'trialing', trialEnd: NOW + DAY }),
      ], NOW);
      expect(e).toMatchObject({ decision: 'grant', subscriptionId: 'c', reason: 'trialing' });
      expect(e.plan.id).toBe('vip');
      expect(e.verdicts.map((v) => v.decision)).toEqual(['grant', 'deny', 'grant']);
    });

    it('prefers a grant over a kept unknown status at the same level, and still alerts the operator', () => {
      const e = entitlementOf(plans, [sub({ id: 'a', status: 'mystery' }), sub({ id: 'b' })], NOW);
      expect(e).toMatchObject({ decision: 'grant', subscriptionId: 'b', alertOperator: true });
    });

    it('falls back to the free plan when all have lapsed, naming the best lapsed one', () => {
      const e = entitlementOf(plans, [sub({ id: 'a', status: 'unpaid' }), sub({ id: 'b', planId: 'vip', status: 'canceled' })], NOW);
      expect(e).toMatchObject({ decision: 'deny', reason: 'canceled', subscriptionId: 'b' });
      expect(e.plan.id).toBe('free');
    });
  });

  it('denies a subscription to a plan the plans file no longer has, and alerts the operator', () => {
    const e = entitlementOf(plans, sub({ planId: 'gold' }), NOW);
    expect(e).toMatchObject({ decision: 'deny', reason: 'unknown_plan', alertOperator: true });
    expect(e.plan.id).toBe('free');
  });
  it.each(['active', 'trialing', 'past_due'])('denies a %s subscription held after a refund or dispute, whatever Stripe says', (status) => {
    const e = entitlementOf(plans, sub({ status, trialEnd: NOW + DAY, pastDueSince: NOW, accessRevokedAt: NOW - DAY }), NOW);
    expect(e).toMatchObject({ decision: 'deny', reason: 'access_revoked', paid: false, subscriptionId: 'sub_1' });
    expect(e.plan.id).toBe('free');
  });

  it('lets an operator grant beat a held subscription', () => {
    const e = entitlementOf(plans, [sub({ accessRevokedAt: NOW - DAY }), sub({ id: 'grant_1', source: 'grant', currentPeriodEnd: NOW + 5 * DAY })], NOW);
    expect(e).toMatchObject({ decision: 'grant', reason: 'grant', paid: true, subscriptionId: 'grant_1' });
  });
});


describe('plainPlanOf (the fast path planning takes for every subscriber)', () => {
  const since = NOW - DAY;
  const cases: [string, SubscriptionState[]][] = [
    ['no subscription', []],
    ...[...GRANTING_STATUSES, ...DENYING_STATUSES, 'frozen'].map((status): [string, SubscriptionState[]] => [status, [sub({ status })]]),
    ['trialing, trial over', [sub({ status: 'trialing', trialEnd: NOW })]],
    ['trialing, trial running', [sub({ status: 'trialing', trialEnd: NOW + DAY })]],
    ['past_due in its grace period', [sub({ status: 'past_due', pastDueSince: since })]],
    ['past_due after its grace period', [sub({ status: 'past_due', pastDueSince: NOW - 3 * DAY })]],
    ['past_due with no dates', [sub({ status: 'past_due', pastDueSince: null, currentPeriodEnd: null })]],
    ['cancel at period end, before it', [sub({ cancelAtPeriodEnd: true, currentPeriodEnd: NOW + 1 })]],
    ['cancel at period end, after it', [sub({ cancelAtPeriodEnd: true, currentPeriodEnd: NOW })]],
    ['a grant', [sub({ source: 'grant', planId: 'vip', currentPeriodEnd: null })]],
    ['an expired grant', [sub({ source: 'grant', planId: 'vip', currentPeriodEnd: NOW })]],
    ['a plan the file no longer has', [sub({ planId: 'gold' })]],
    ['an unknown plan with an unknown status', [sub({ planId: 'gold', status: 'frozen' })]],
    ['active but held after a refund', [sub({ accessRevokedAt: NOW - DAY })]],
    ['several subscriptions', [sub({ id: 'a' }), sub({ id: 'b', planId: 'vip', status: 'trialing', trialEnd: NOW + DAY })]],
  ];

  it.each(cases)('gives the plan entitlementOf gives, or leaves it to entitlementOf: %s', (_, subs) => {
    const full = entitlementOf(plans, subs, NOW);
    const plain = plainPlanOf(plans, subs, NOW);
    if (subs.length > 1 || full.alertOperator) expect(plain).toBeUndefined();
    else expect(plain).toBe(full.plan);
  });

  it('uses the graceDays it is given', () => {
    const s = [sub({ status: 'past_due', pastDueSince: since })];
    expect(plainPlanOf(plans, s, NOW, 0)?.id).toBe('free');
    expect(plainPlanOf(plans, s, NOW, 2)?.id).toBe('pro');
  });
});
