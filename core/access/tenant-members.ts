// A person joining, changing roles in, or leaving a tenant (a Discord server): tracked memberships follow, and their access job runs.
import type { InboundEvent } from '../inbound/types';
import { managedResources } from './desired';
import { resourceKey } from './ports';
import type { AccessEventDeps } from './inbound';
import { HOLDING_STATES, type MembershipState } from './store';

export type TenantMemberEvent = Extract<InboundEvent, { type: 'tenant_member' }>;

/**
 * Brings the person's tracked memberships of the managed resources in the tenant in line with the
 * event: gone when they left; otherwise each resource they hold now and are not tracked as holding
 * becomes 'held' (not through us, unless our own grant records it 'member' right after), and each
 * they no longer hold becomes 'left'. Then, when they joined or something changed, their account's
 * access job is queued: an entitled newcomer gets the role at once, a role taken away by hand is
 * given back, one given by hand is adopted when entitled (strangers wait for the drift run).
 */
export async function trackTenantMember(event: TenantMemberEvent, deps: AccessEventDeps): Promise<void> {
  const { platform, platformUserId } = event.actor;
  const resources = [...managedResources(deps.plans, [platform]).values()].filter((r) => r.tenant === event.tenant);
  if (resources.length === 0) return;
  const keys = resources.map(resourceKey);
  const tracked = new Map((await deps.store.listMemberships({ platform, platformUserIds: [platformUserId] }))
    .filter((m) => keys.includes(m.resourceKey)).map((m) => [m.resourceKey, m.state]));
  let changed = false;
  for (const resource of resources) {
    const key = resourceKey(resource);
    const before = tracked.get(key);
    const holdsNow = event.state !== 'left' && (event.holds?.includes(resource.id) ?? false);
    const heldBefore = before !== undefined && HOLDING_STATES.includes(before);
    let after: MembershipState | null = null;
    if (holdsNow && !heldBefore) after = 'held';
    else if (!holdsNow && (heldBefore || before === 'requested')) after = 'left';
    if (!after) continue;
    await deps.store.setMembership({ platform, resourceKey: key, platformUserId, state: after });
    changed = true;
  }
  if (event.state === 'left' || !(changed || event.state === 'joined') || !deps.enqueue) return;
  const account = await deps.store.findAccessAccount(platform, platformUserId);
  if (!account) return;
  try {
    deps.enqueue(account.accountId, event.state === 'joined' ? 'tenant_joined' : 'roles_changed', 'system');
  } catch (err) {
    deps.logger?.error({ err, accountId: account.accountId }, 'could not queue the access job after a member change');
  }
}
