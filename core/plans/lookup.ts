// Finding plans in a validated PlansConfig: by id, by Stripe price, the free one.
import { SignalcastError } from '../errors';
import type { PlatformName } from '../types';
import type { Plan, PlansConfig } from './schema';

interface PlanIndex {
  byId: Map<string, Plan>;
  byPrice: Map<string, Plan>;
  free: Plan;
}

// Planning looks plans up once per subscriber: index each config once. A process has one config
// in practice, so the last one used is kept aside as well (a WeakMap lookup costs more than the Map's).
const indexes = new WeakMap<PlansConfig, PlanIndex>();
let last: { plans: PlansConfig; index: PlanIndex } | undefined;

function indexOf(plans: PlansConfig): PlanIndex {
  if (last?.plans === plans) return last.index;
  let index = indexes.get(plans);
  if (!index) {
    const free = plans.plans.find((p) => p.stripePriceId === null);
    if (!free) throw new SignalcastError('plans_invalid', 'the plans have no free plan (a plan with stripePriceId: null)');
    index = {
      byId: new Map(plans.plans.map((p) => [p.id, p])),
      byPrice: new Map(plans.plans.flatMap((p) => (p.stripePriceId === null ? [] : [[p.stripePriceId, p] as const]))),
      free,
    };
    indexes.set(plans, index);
  }
  last = { plans, index };
  return index;
}

/** The one plan without a Stripe price: what every account without a paid plan gets. */
export function freePlan(plans: PlansConfig): Plan {
  return indexOf(plans).free;
}

export function planById(plans: PlansConfig, id: string): Plan | undefined {
  return indexOf(plans).byId.get(id);
}

/** Like planById, but an unknown id is an error naming the known ones. */
export function requirePlan(plans: PlansConfig, id: string): Plan {
  const plan = planById(plans, id);
  if (!plan) {
    throw new SignalcastError('not_found', `unknown plan "${id}"; the plans are ${plans.plans.map((p) => p.id).join(', ')}`);
  }
  return plan;
}

export function planByPriceId(plans: PlansConfig, stripePriceId: string): Plan | undefined {
  return indexOf(plans).byPrice.get(stripePriceId);
}

/** Plans with a price, lowest level first: what /plans and /subscribe offer. */
export function paidPlans(plans: PlansConfig): Plan[] {
  return plans.plans.filter((p) => p.stripePriceId !== null).sort((a, b) => a.level - b.level);
}

export function isPaid(plan: Plan): boolean {
  return plan.stripePriceId !== null;
}

/** Whether the plan is offered on the platform: it names it, or names none (every platform). */
export function offersOn(plan: Pick<Plan, 'platforms'>, platform: PlatformName): boolean {
  return plan.platforms === null || plan.platforms.includes(platform);
}
