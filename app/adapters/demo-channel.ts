// The sandbox's demo places: with the built-in plans (which gate nothing), in sandbox mode the VIP plan gates what each row offers as its demo.
import type { Config } from '../../config';
import { resourceKey } from '../../core/access/ports';
import type { PlansConfig } from '../../core/plans';
import { ADAPTERS, type AdapterRow } from './table';

/** The demo places of the table's rows (the emulators create them from the plans, sandbox/register.ts), with the plan each goes to. */
const demoPlaces = (rows: readonly AdapterRow[], planId: string) =>
  rows.flatMap((row) => (row.sandboxDemo ? [{ resource: row.sandboxDemo, planId: row.sandboxDemoPlan ?? planId }] : []));

/**
 * The plans with each row's demo place in its plan's access list: the demo channel and role in
 * `planId`'s (the built-in VIP plan's), a row's own plan where it names one (Slack's workspace licence
 * in the Enterprise plan), so a person trying the sandbox sees a members-only place open and close.
 * A demo whose plan is missing, or that a plan already gates, is left out; nothing to add: the plans come back unchanged.
 */
export function withDemoChannel(plans: PlansConfig, planId = 'vip', rows: readonly AdapterRow[] = ADAPTERS): PlansConfig {
  const gatedKeys = new Set(plans.plans.flatMap((p) => p.access.map(resourceKey)));
  const ids = new Set(plans.plans.map((p) => p.id));
  const demos = demoPlaces(rows, planId).filter((d) => !gatedKeys.has(resourceKey(d.resource)) && ids.has(d.planId));
  if (demos.length === 0) return plans;
  return {
    ...plans,
    plans: plans.plans.map((p) => {
      const added = demos.filter((d) => d.planId === p.id).map((d) => d.resource);
      return added.length ? { ...p, access: [...p.access, ...added] } : p;
    }),
  };
}

/**
 * The plans the service, the sandbox and the CLI beside it run with: in sandbox mode (no platform
 * token) with the built-in plans (PLANS_FILE unset), the demo places are added; a plans file says its own.
 */
export function sandboxPlans(config: Pick<Config, 'sandbox' | 'plansFile'>, plans: PlansConfig): PlansConfig {
  return config.sandbox && config.plansFile === undefined ? withDemoChannel(plans) : plans;
}
