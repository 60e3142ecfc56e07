// The plans loader's options from the adapter table's rows: each app's access spec, and the reading of each app's deprecated plan fields.
import type { DeprecatedPlanField, PlanLoadOptions } from '../../core/plans';
import type { AccessSpec } from '../../core/platform/adapter';
import type { PlatformName } from '../../core/types';
import { legacyPlanFields } from './legacy-plan-fields';
import { ADAPTERS } from './table';

/** One row of the adapter table as the plans need it: the app's name, how its entries read where it gates access, and the deprecated fields it reads. */
export interface PlanAccessRow {
  name: PlatformName;
  access?: AccessSpec | undefined;
  deprecatedPlanFields?: readonly DeprecatedPlanField[] | undefined;
}

/** What loadPlans, parsePlans and checkPlans take: the catalog of access specs by app name, and the rewrite of the rows' deprecated fields. */
export function planLoadOptions(rows: readonly PlanAccessRow[] = ADAPTERS): Required<PlanLoadOptions> {
  const access = new Map<PlatformName, AccessSpec>();
  for (const row of rows) if (row.access) access.set(row.name, row.access);
  return { access, rewrite: legacyPlanFields(rows, access) };
}
