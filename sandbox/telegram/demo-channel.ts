// The sandbox's demo channel: with the built-in plans (which gate nothing), the VIP plan gates one private channel in the Telegram emulator.
import type { PlansConfig } from '../../core/plans';

/** The demo channel's chat id in the emulator. */
export const DEMO_CHANNEL_ID = '-1001000000001';

/**
 * The plans with the demo channel in `planId`'s access list (the built-in VIP plan's), so a person
 * trying the sandbox sees a members-only channel open and close. Plans without that plan, or that
 * already gate the channel, come back unchanged.
 */
export function withDemoChannel(plans: PlansConfig, planId = 'vip'): PlansConfig {
  const gated = plans.plans.some((p) => p.access.some((r) => r.platform === 'telegram' && r.kind === 'chat' && r.id === DEMO_CHANNEL_ID));
  if (gated || !plans.plans.some((p) => p.id === planId)) return plans;
  return {
    ...plans,
    plans: plans.plans.map((p) => (p.id === planId ? { ...p, access: [...p.access, { platform: 'telegram', kind: 'chat' as const, id: DEMO_CHANNEL_ID }] } : p)),
  };
}
