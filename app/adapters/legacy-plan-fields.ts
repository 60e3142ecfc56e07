// Reads the plans file's per-vendor fields of the release before the access list (telegramChatIds, discordRoleIds, slackEnterprise), with a warning each; the one place that names them.
import type { PlanFieldNote, PlanRewrite } from '../../core/plans';
import type { AccessSpec } from '../../core/platform/adapter';
import type { PlatformName } from '../../core/types';

/** The fields this translator reads; a plan without them is left as it is. */
export const LEGACY_PLAN_FIELDS = ['telegramChatIds', 'discordRoleIds', 'slackEnterprise'] as const;

const NOT_FOR_LONG = 'read for this release only';

function quoted(value: unknown): string {
  return JSON.stringify(typeof value === 'number' ? String(value) : value);
}

/** telegramChatIds: each id becomes `{ telegram: { chat } }`, checked by the Telegram spec; ignored (a warning) without one. */
function telegramChats(value: unknown, spec: AccessSpec | undefined, notes: { warnings: PlanFieldNote[]; errors: PlanFieldNote[] }): unknown[] {
  const field = 'telegramChatIds';
  if (!Array.isArray(value)) {
    notes.errors.push({ field, message: 'expected a list of chat ids (and this field is deprecated: write access: [{ telegram: { chat: "-1001234567890" } }])' });
    return [];
  }
  if (value.length === 0) {
    notes.warnings.push({ field, message: `deprecated and empty (${NOT_FOR_LONG}): delete it` });
    return [];
  }
  const entries = value.map((chat: unknown) => ({ telegram: { chat } }));
  const form = `access: [${value.map((chat) => `{ telegram: { chat: ${quoted(chat)} } }`).join(', ')}]`;
  if (!spec) {
    notes.warnings.push({ field, message: `ignored: this build has no Telegram adapter (the new form is ${form})` });
    return [];
  }
  const good: unknown[] = [];
  entries.forEach((entry, i) => {
    const read = spec.parse(entry.telegram);
    if (read.ok) good.push(entry);
    else notes.errors.push({ field: `${field}[${i}]`, message: read.error.replace(/^chat: /, '') });
  });
  notes.warnings.push({ field, message: `deprecated (${NOT_FOR_LONG}): write ${form} instead` });
  return good;
}

/** discordRoleIds: a role id without its server cannot be read; ignored, with the new form. */
function discordRoles(value: unknown, notes: { warnings: PlanFieldNote[] }): void {
  const field = 'discordRoleIds';
  const ids = Array.isArray(value) ? value : [];
  if (ids.length === 0) {
    notes.warnings.push({ field, message: `deprecated (${NOT_FOR_LONG}): delete it` });
    return;
  }
  const form = `access: [${ids.map((role) => `{ discord: { guild: "<server id>", role: ${quoted(role)}, removal: "remove-role" } }`).join(', ')}]`;
  notes.warnings.push({ field, message: `ignored: a role needs its server, which this field cannot say; when the Discord adapter lands write ${form} (ids quoted)` });
}

/** slackEnterprise: true becomes `{ slack: { workspaceLicence: true } }` where this build reads it; ignored otherwise. */
function slackLicence(value: unknown, spec: AccessSpec | undefined, notes: { warnings: PlanFieldNote[]; errors: PlanFieldNote[] }): unknown[] {
  const field = 'slackEnterprise';
  const entry = { slack: { workspaceLicence: true } };
  const form = 'access: [{ slack: { workspaceLicence: true } }]';
  if (typeof value !== 'boolean') {
    notes.errors.push({ field, message: `expected a boolean (and this field is deprecated: write ${form})` });
    return [];
  }
  if (!value) {
    notes.warnings.push({ field, message: `deprecated (${NOT_FOR_LONG}): delete it` });
    return [];
  }
  if (!spec || !spec.parse(entry.slack).ok) {
    notes.warnings.push({ field, message: `ignored: this build has no Slack adapter; when it lands write ${form}` });
    return [];
  }
  notes.warnings.push({ field, message: `deprecated (${NOT_FOR_LONG}): write ${form} instead` });
  return [entry];
}

/**
 * The rewrite the plans loader applies to each plan as written: the old fields come out, what can be
 * read of them is appended to `access`, and each one found leaves a warning (or an error, when unreadable).
 */
export function legacyPlanFields(catalog: ReadonlyMap<PlatformName, AccessSpec>): (plan: Readonly<Record<string, unknown>>) => PlanRewrite {
  return (written) => {
    const notes = { warnings: [] as PlanFieldNote[], errors: [] as PlanFieldNote[] };
    if (!LEGACY_PLAN_FIELDS.some((f) => f in written)) return { plan: { ...written }, ...notes };
    const { telegramChatIds, discordRoleIds, slackEnterprise, ...rest } = written;
    const plan: Record<string, unknown> = { ...rest };
    const added: unknown[] = [];
    if ('telegramChatIds' in written) added.push(...telegramChats(telegramChatIds, catalog.get('telegram'), notes));
    if ('discordRoleIds' in written) discordRoles(discordRoleIds, notes);
    if ('slackEnterprise' in written) added.push(...slackLicence(slackEnterprise, catalog.get('slack'), notes));
    // A plan that also has an access list keeps it first; a list that is not a list is left for the schema to name.
    if (added.length > 0) {
      if (plan.access === undefined) plan.access = added;
      else if (Array.isArray(plan.access)) plan.access = [...(plan.access as unknown[]), ...added];
    }
    return { plan, ...notes };
  };
}
