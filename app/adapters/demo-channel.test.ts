import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS, requirePlan } from '../../core/plans';
import { DISCORD_DEMO_ROLE } from '../../bots/discord/plan-access';
import { sandboxPlans, withDemoChannel } from './demo-channel';

const DEMO_CHANNEL_ID = '-1001000000001';

describe("the sandbox's demo channel", () => {
  it('gates the demo channel and the demo server\'s role in the built-in VIP plan in sandbox mode only, and only with the built-in plans', () => {
    const demo = sandboxPlans(loadConfig({}), DEFAULT_PLANS);
    expect(requirePlan(demo, 'vip').access).toEqual([{ platform: 'telegram', kind: 'chat', id: DEMO_CHANNEL_ID }, DISCORD_DEMO_ROLE]);
    expect(demo.plans.filter((p) => p.access.length > 0).map((p) => p.id)).toEqual(['vip']);
    expect(sandboxPlans({ sandbox: false, plansFile: undefined }, DEFAULT_PLANS)).toBe(DEFAULT_PLANS);
    expect(sandboxPlans({ sandbox: true, plansFile: 'plans.yaml' }, DEFAULT_PLANS)).toBe(DEFAULT_PLANS);
  });

  it('adds the channel once, and leaves plans without a VIP plan alone', () => {
    const once = withDemoChannel(DEFAULT_PLANS);
    expect(withDemoChannel(once)).toBe(once);
    const noVip = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.filter((p) => p.id !== 'vip') };
    expect(withDemoChannel(noVip)).toBe(noVip);
  });
});
