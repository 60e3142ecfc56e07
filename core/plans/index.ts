// Plans: the file's schema, the built-in default, loading and checking, and lookups.
export { DEFAULT_PLANS } from './default-plans';
export { describePlan, describePlans, formatPrice } from './describe';
export { checkPlans, loadPlans, parsePlans, type PlansCheck } from './load';
export { freePlan, isPaid, offersOn, paidPlans, planById, planByPriceId, requirePlan } from './lookup';
export { planSchema, plansFileSchema, type Plan, type PlanInput, type PlansConfig } from './schema';
