import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS, requirePlan } from '../../core/plans';
import { DISCORD_DEMO_ROLE } from '../../bots/discord/plan-access';
import { SLACK_WORKSPACE_LICENCE } from '../../bots/slack/plan-access';
import { sandboxPlans, withDemoChannel } from './demo-channel';

const DEMO_CHANNEL_ID = '-1001000000001';

describe("the sandbox's demo channel", () => {
  it('gates the demo channel and the demo server\'s role in the built-in VIP plan in sandbox mode only, and only with the built-in plans', () => {
    const demo = sandboxPlans(loadConfig({}), DEFAULT_PLANS);
    expect(requirePlan(demo, 'vip').access).toEqual([{ platform: 'telegram', kind: 'chat', id: DEMO_CHANNEL_ID }, DISCORD_DEMO_ROLE]);
    expect(requirePlan(demo, 'enterprise').access).toEqual([SLACK_WORKSPACE_LICENCE]);
    expect(demo.plans.filter((p) => p.access.length > 0).map((p) => p.id)).toEqual(['vip', 'enterprise']);
    expect(sandboxPlans({ sandbox: false, plansFile: undefined }, DEFAULT_PLANS)).toBe(DEFAULT_PLANS);
    expect(sandboxPlans({ sandbox: true, plansFile: 'plans.yaml' }, DEFAULT_PLANS)).toBe(DEFAULT_PLANS);
  });

  it('adds each demo once, and leaves out a demo whose plan is missing', () => {
    const once = withDemoChannel(DEFAULT_PLANS);
    expect(withDemoChannel(once)).toBe(once);
    const noVip = withDemoChannel({ ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.filter((p) => p.id !== 'vip') });
    expect(noVip.plans.flatMap((p) => p.access)).toEqual([SLACK_WORKSPACE_LICENCE]);
    const neither = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.filter((p) => p.id !== 'vip' && p.id !== 'enterprise') };
    expect(withDemoChannel(neither)).toBe(neither);
  });
});
