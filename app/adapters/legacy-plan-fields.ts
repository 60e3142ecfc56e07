// Reads the plans file's deprecated fields that the adapter table's rows name (each app's own, in bots/<app>/plan-access.ts) into the access list, with a note each.
import type { DeprecatedPlanField, PlanFieldNotes, PlanRewrite } from '../../core/plans';
import type { AccessSpec } from '../../core/platform/adapter';
import type { PlatformName } from '../../core/types';

/** One row as this reading needs it: the app's name (its spec in the catalog) and the deprecated fields it reads. */
export interface DeprecatedFieldsRow {
  name: PlatformName;
  deprecatedPlanFields?: readonly DeprecatedPlanField[] | undefined;
}

/**
 * The rewrite the plans loader applies to each plan as written: the rows' deprecated fields come out,
 * what each app's reader makes of its field is appended to `access` (in the rows' order), and each one
 * found leaves a warning (or an error, when unreadable). A reader whose app has no spec in the catalog
 * is still given its field, with no spec: it says the field is ignored.
 */
export function legacyPlanFields(
  rows: readonly DeprecatedFieldsRow[],
  catalog: ReadonlyMap<PlatformName, AccessSpec>,
): (plan: Readonly<Record<string, unknown>>) => PlanRewrite {
  const readers = rows.flatMap((row) => (row.deprecatedPlanFields ?? []).map((field) => ({ app: row.name, field })));
  return (written) => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    const found = readers.filter(({ field }) => field.name in written);
    if (found.length === 0) return { plan: { ...written }, ...notes };
    const plan: Record<string, unknown> = { ...written };
    for (const { field } of found) delete plan[field.name];
    const added: unknown[] = [];
    for (const { app, field } of found) added.push(...field.read(written[field.name], catalog.get(app), notes));
    // A plan that also has an access list keeps it first; a list that is not a list is left for the schema to name.
    if (added.length > 0) {
      if (plan.access === undefined) plan.access = added;
      else if (Array.isArray(plan.access)) plan.access = [...(plan.access as unknown[]), ...added];
    }
    return { plan, ...notes };
  };
}
