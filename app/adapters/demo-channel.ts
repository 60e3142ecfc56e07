// The sandbox's demo places: with the built-in plans (which gate nothing), in sandbox mode the VIP plan gates what each row offers as its demo.
import type { Config } from '../../config';
import { resourceKey } from '../../core/access/ports';
import type { PlansConfig } from '../../core/plans';
import { ADAPTERS, type AdapterRow } from './table';

/** The demo places of the table's rows (the emulators create them from the plans, sandbox/register.ts). */
const demoPlaces = (rows: readonly AdapterRow[]) => rows.flatMap((row) => (row.sandboxDemo ? [row.sandboxDemo] : []));

/**
 * The plans with the demo channel in `planId`'s access list (the built-in VIP plan's), so a person
 * trying the sandbox sees a members-only channel open and close. Plans without that plan, or that
 * already gate the channel, come back unchanged.
 */
export function withDemoChannel(plans: PlansConfig, planId = 'vip', rows: readonly AdapterRow[] = ADAPTERS): PlansConfig {
  const gatedKeys = new Set(plans.plans.flatMap((p) => p.access.map(resourceKey)));
  const demos = demoPlaces(rows).filter((r) => !gatedKeys.has(resourceKey(r)));
  if (demos.length === 0 || !plans.plans.some((p) => p.id === planId)) return plans;
  return { ...plans, plans: plans.plans.map((p) => (p.id === planId ? { ...p, access: [...p.access, ...demos] } : p)) };
}

/**
 * The plans the service, the sandbox and the CLI beside it run with: in sandbox mode (no platform
 * token) with the built-in plans (PLANS_FILE unset), the demo channel is added; a plans file says its own.
 */
export function sandboxPlans(config: Pick<Config, 'sandbox' | 'plansFile'>, plans: PlansConfig): PlansConfig {
  return config.sandbox && config.plansFile === undefined ? withDemoChannel(plans) : plans;
}
