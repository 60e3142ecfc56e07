// Entitlement: the one pure function that turns plans, subscriptions and the time into the plan an account has.
import { freePlan, isPaid, planById } from './plans/lookup';
import type { Plan, PlansConfig } from './plans/schema';

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch, or a Date (drizzle rows carry Dates). */
export type Instant = number | Date;

/** What entitlement needs to know about one subscription (a mirror of Stripe's, or an operator grant). */
export interface SubscriptionState {
  id: string;
  planId: string;
  /** Stripe's status as Stripe spells it; operator grants are 'active'. */
  status: string;
  currentPeriodEnd: Instant | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: Instant | null;
  /** When it became past_due; the grace period counts from here (else from currentPeriodEnd). */
  pastDueSince: Instant | null;
  /** 'grant': made by an operator; currentPeriodEnd is when the grant expires (null: never). */
  source: 'stripe' | 'grant';
  /** A local hold (full refund, dispute): denied whatever the status says. Absent or null: no hold. */
  accessRevokedAt?: Instant | null | undefined;
}

export const GRANTING_STATUSES = ['trialing', 'active', 'past_due'] as const;
export const DENYING_STATUSES = ['incomplete', 'incomplete_expired', 'unpaid', 'canceled', 'paused'] as const;

export type EntitlementReason =
  /** No subscription at all: the free plan. */
  | 'no_subscription'
  | 'trialing'
  | 'active'
  | 'grant'
  | 'past_due_grace'
  /** A status this code does not know: access is kept and the operator alerted. */
  | 'unknown_status'
  | 'trial_ended'
  /** cancel_at_period_end and the period is over, whatever Stripe still says. */
  | 'canceled_at_period_end'
  | 'grant_expired'
  | 'grace_ended'
  /** The payment was refunded in full or disputed: held locally until an operator decides. */
  | 'access_revoked'
  /** The subscription names a plan the plans file no longer has. */
  | 'unknown_plan'
  | (typeof DENYING_STATUSES)[number];

/** 'keep': the status is unknown, so the subscription's plan still applies (and the operator is alerted). */
export type SubscriptionDecision = 'grant' | 'deny' | 'keep';

/** The decision for one subscription. */
export interface SubscriptionVerdict {
  subscriptionId: string;
  planId: string;
  status: string;
  decision: SubscriptionDecision;
  reason: EntitlementReason;
  /** When this access ends if nothing changes; null when it renews on its own or is not known. */
  until: number | null;
  alertOperator: boolean;
}

/** The plan an account has now, and why. */
export interface Entitlement {
  /** The plan that applies: the best granted (or kept) one, else the free plan. */
  plan: Plan;
  paid: boolean;
  /** 'none': there was no subscription; 'deny': every subscription lapsed, so the free plan applies. */
  decision: SubscriptionDecision | 'none';
  reason: EntitlementReason;
  /** When the current access ends if nothing changes (trial end, grace end, period end after cancel, grant expiry). */
  until: number | null;
  /** The subscription that decided it, if any. */
  subscriptionId: string | null;
  /** Some subscription is in a state the operator must look at (unknown status or plan). */
  alertOperator: boolean;
  verdicts: SubscriptionVerdict[];
}

function ms(t: Instant | null): number | null {
  return t === null ? null : typeof t === 'number' ? t : t.getTime();
}

function verdict(sub: SubscriptionState, decision: SubscriptionDecision, reason: EntitlementReason, until: number | null = null, alertOperator = false): SubscriptionVerdict {
  return { subscriptionId: sub.id, planId: sub.planId, status: sub.status, decision, reason, until, alertOperator };
}

/** The decision for one subscription at `now`, following DESIGN.md's access policy. */
export function subscriptionVerdict(plans: PlansConfig, sub: SubscriptionState, now: number, graceDays: number): SubscriptionVerdict {
  if (!planById(plans, sub.planId)) return verdict(sub, 'deny', 'unknown_plan', null, true);
  return knownPlanVerdict(sub, now, graceDays);
}

/** subscriptionVerdict for a subscription whose plan is in the plans file. */
function knownPlanVerdict(sub: SubscriptionState, now: number, graceDays: number): SubscriptionVerdict {
  if (sub.accessRevokedAt !== undefined && sub.accessRevokedAt !== null) return verdict(sub, 'deny', 'access_revoked');
  const periodEnd = ms(sub.currentPeriodEnd);
  const status = sub.status;
  if (status !== 'trialing' && status !== 'active' && status !== 'past_due') {
    if ((DENYING_STATUSES as readonly string[]).includes(status)) return verdict(sub, 'deny', status as EntitlementReason);
    return verdict(sub, 'keep', 'unknown_status', null, true);
  }
  const cancelEnd = sub.cancelAtPeriodEnd ? periodEnd : null;
  if (cancelEnd !== null && now >= cancelEnd) return verdict(sub, 'deny', 'canceled_at_period_end');

  if (status === 'trialing') {
    const trialEnd = ms(sub.trialEnd);
    if (trialEnd !== null && now >= trialEnd) return verdict(sub, 'deny', 'trial_ended');
    return verdict(sub, 'grant', 'trialing', earliest(trialEnd, cancelEnd));
  }
  if (status === 'past_due') {
    const since = ms(sub.pastDueSince) ?? periodEnd;
    if (since === null) return verdict(sub, 'grant', 'past_due_grace', cancelEnd);
    const graceEnd = since + graceDays * DAY_MS;
    if (now >= graceEnd) return verdict(sub, 'deny', 'grace_ended');
    return verdict(sub, 'grant', 'past_due_grace', earliest(graceEnd, cancelEnd));
  }
  if (sub.source === 'grant') {
    if (periodEnd !== null && now >= periodEnd) return verdict(sub, 'deny', 'grant_expired');
    return verdict(sub, 'grant', 'grant', periodEnd);
  }
  return verdict(sub, 'grant', 'active', cancelEnd);
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * The plan entitlementOf would give, for the common cases only: no subscription, or one whose
 * verdict asks nothing of the operator. Undefined for anything else (several subscriptions, an
 * unknown status or plan): ask entitlementOf. Planning calls this for every subscriber of every
 * signal, so it builds no verdict list and no Entitlement.
 */
export function plainPlanOf(plans: PlansConfig, subscriptions: readonly SubscriptionState[], now: number, graceDays: number = plans.graceDays): Plan | undefined {
  if (subscriptions.length === 0) return freePlan(plans);
  if (subscriptions.length !== 1) return undefined;
  const sub = subscriptions[0] as SubscriptionState;
  const plan = planById(plans, sub.planId);
  if (!plan) return undefined; // unknown_plan: the operator is alerted
  const v = knownPlanVerdict(sub, now, graceDays);
  if (v.alertOperator) return undefined; // unknown_status
  return v.decision === 'grant' ? plan : freePlan(plans);
}

/**
 * The plan an account has at `now`. Several subscriptions: the highest-level plan among those
 * granted or kept (a grant beats a keep at the same level). None left: the free plan.
 */
export function entitlementOf(
  plans: PlansConfig,
  subscriptions: SubscriptionState | readonly SubscriptionState[],
  now: Instant,
  graceDays: number = plans.graceDays,
): Entitlement {
  const at = ms(now) as number;
  const subs: readonly SubscriptionState[] = Array.isArray(subscriptions) ? subscriptions : [subscriptions as SubscriptionState];
  const verdicts: SubscriptionVerdict[] = [];
  let alertOperator = false;
  for (const sub of subs) {
    const v = subscriptionVerdict(plans, sub, at, graceDays);
    verdicts.push(v);
    if (v.alertOperator) alertOperator = true;
  }

  let best: { verdict: SubscriptionVerdict; plan: Plan } | undefined;
  let lapsed: { verdict: SubscriptionVerdict; level: number } | undefined;
  for (const verdict of verdicts) {
    const plan = planById(plans, verdict.planId);
    if (verdict.decision === 'deny' || !plan) {
      const level = plan?.level ?? -1;
      if (!lapsed || level > lapsed.level) lapsed = { verdict, level };
      continue;
    }
    const better = !best
      || plan.level > best.plan.level
      || (plan.level === best.plan.level && verdict.decision === 'grant' && best.verdict.decision === 'keep');
    if (better) best = { verdict, plan };
  }
  if (best) {
    const { verdict, plan } = best;
    return { plan, paid: isPaid(plan), decision: verdict.decision, reason: verdict.reason, until: verdict.until, subscriptionId: verdict.subscriptionId, alertOperator, verdicts };
  }
  const free = freePlan(plans);
  if (lapsed) {
    return { plan: free, paid: false, decision: 'deny', reason: lapsed.verdict.reason, until: null, subscriptionId: lapsed.verdict.subscriptionId, alertOperator, verdicts };
  }
  return { plan: free, paid: false, decision: 'none', reason: 'no_subscription', until: null, subscriptionId: null, alertOperator, verdicts };
}
