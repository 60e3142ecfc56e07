import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANS } from './default-plans';
import { freePlan, planById, planByPriceId } from './lookup';
import type { PlansConfig } from './schema';

describe('plan lookup', () => {
  it('answers from the config it is given, also when callers alternate between two', () => {
    const renamed: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => ({ ...p, name: `${p.name} (2)`, stripePriceId: p.stripePriceId && `${p.stripePriceId}_2` })) };
    for (let i = 0; i < 2; i++) {
      expect(planById(DEFAULT_PLANS, 'pro')?.name).toBe('Pro');
      expect(planById(renamed, 'pro')?.name).toBe('Pro (2)');
      expect(freePlan(renamed).name).toBe('Free (2)');
      expect(planByPriceId(DEFAULT_PLANS, 'price_pro_monthly_2')).toBeUndefined();
      expect(planByPriceId(renamed, 'price_pro_monthly_2')?.name).toBe('Pro (2)');
    }
  });
});
