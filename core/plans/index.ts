// Plans: the file's schema, the built-in default, loading and checking, and lookups.
export { DEFAULT_PLANS } from './default-plans';
export { accessNotGiven, describePlan, describePlans, formatPrice, subscriberFeatures } from './describe';
export { accessForms, describeResource, READ_THIS_RELEASE_ONLY, resolveAccess, type DeprecatedPlanField, type PlanFieldNote, type PlanFieldNotes, type PlanLoadOptions, type PlanRewrite } from './access';
export { checkPlans, loadPlans, parsePlans, type PlansCheck, type PlansFileOptions } from './load';
export { freePlan, isPaid, offersOn, paidPlans, planById, planByPriceId, requirePlan } from './lookup';
export { planSchema, plansFileSchema, type Plan, type PlanInput, type PlansConfig } from './schema';
