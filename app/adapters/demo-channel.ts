// The sandbox's demo channel (in the adapter table's folder, as it names its app): with the built-in plans (which gate nothing), in sandbox mode the VIP plan gates one private channel of the Telegram emulator.
import type { Config } from '../../config';
import type { PlansConfig } from '../../core/plans';

/** The demo channel's chat id; the Telegram emulator creates it from the plans (sandbox/register.ts). */
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

/**
 * The plans the service, the sandbox and the CLI beside it run with: in sandbox mode (no platform
 * token) with the built-in plans (PLANS_FILE unset), the demo channel is added; a plans file says its own.
 */
export function sandboxPlans(config: Pick<Config, 'sandbox' | 'plansFile'>, plans: PlansConfig): PlansConfig {
  return config.sandbox && config.plansFile === undefined ? withDemoChannel(plans) : plans;
}
