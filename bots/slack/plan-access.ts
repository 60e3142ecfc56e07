// How a plan's access entry for Slack reads: `{ slack: { workspaceLicence: true, seats?: "per-member" } }`, the licence for a whole workspace.
import type { AccessResource } from '../../core/access/ports';
import { READ_THIS_RELEASE_ONLY, type DeprecatedPlanField } from '../../core/plans';
import type { AccessSpec } from '../../core/platform/adapter';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `seats: "per-member"`: the plan's price is per seat, and a workspace pays for each of its people. */
export const PER_MEMBER = 'per-member';

/** The one Slack resource: the workspace's licence (the workspace is the tenant that subscribes, so it is not named here). */
export const SLACK_WORKSPACE_LICENCE: AccessResource = { platform: 'slack', kind: 'workspace', id: 'licence' };

/**
 * Slack's access entries: the plan licenses the workspace that buys it. There is no gate: the licence
 * is an entitlement, and planning decides what the workspace's channels get. `seats: "per-member"`
 * prices it per seat (kept on the resource as `options.seats`); left out, one price per workspace.
 */
export const slackAccess: AccessSpec = {
  example: '{ slack: { workspaceLicence: true } }',
  parse(settings) {
    if (!isRecord(settings)) return { ok: false, error: 'expected { workspaceLicence: true }' };
    const unknown = Object.keys(settings).filter((k) => !['workspaceLicence', 'seats'].includes(k));
    if (unknown.length > 0) return { ok: false, error: `${unknown.join(', ')}: unknown field (a Slack entry has workspaceLicence and seats)` };
    if (settings.workspaceLicence !== true) return { ok: false, error: 'workspaceLicence: expected true (the plan licenses the workspace that buys it)' };
    const seats = settings.seats;
    if (seats === undefined) return { ok: true, resource: SLACK_WORKSPACE_LICENCE };
    if (seats !== PER_MEMBER) return { ok: false, error: `seats: expected "${PER_MEMBER}" (the price is per seat: a workspace pays for each of its people); leave it out for one price per workspace` };
    return { ok: true, resource: { ...SLACK_WORKSPACE_LICENCE, options: { seats: PER_MEMBER } } };
  },
};

/**
 * `slackEnterprise`, the field before the access list: true becomes `{ slack: { workspaceLicence: true } }`
 * where this build reads it, with a warning showing the new form; ignored (a warning) otherwise.
 */
export const SLACK_ENTERPRISE: DeprecatedPlanField = {
  name: 'slackEnterprise',
  read(value, spec, notes) {
    const field = SLACK_ENTERPRISE.name;
    const entry = { slack: { workspaceLicence: true } };
    const form = 'access: [{ slack: { workspaceLicence: true } }]';
    if (typeof value !== 'boolean') {
      notes.errors.push({ field, message: `expected a boolean (and this field is deprecated: write ${form})` });
      return [];
    }
    if (!value) {
      notes.warnings.push({ field, message: `deprecated (${READ_THIS_RELEASE_ONLY}): delete it` });
      return [];
    }
    if (!spec || !spec.parse(entry.slack).ok) {
      notes.warnings.push({ field, message: `ignored: this build has no Slack adapter; when it lands write ${form}` });
      return [];
    }
    notes.warnings.push({ field, message: `deprecated (${READ_THIS_RELEASE_ONLY}): write ${form} instead` });
    return [entry];
  },
};
