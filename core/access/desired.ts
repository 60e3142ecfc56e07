// Desired access, a pure function: from an account's entitlement and the plans, what each of its identities should hold.
import type { Entitlement } from '../entitlement';
import { offersOn } from '../plans/lookup';
import type { Plan, PlansConfig } from '../plans/schema';
import type { PlatformName } from '../types';
import { resourceKey, type AccessHolder, type AccessResource } from './ports';
import type { IdentityRef } from './store';

/** One resource one identity should hold, and why. */
export interface DesiredGrant {
  holder: AccessHolder;
  resource: AccessResource;
  resourceKey: string;
  planId: string;
  /** The entitlement's reason (active, trialing, past_due_grace, grant, unknown_status, ...). */
  reason: string;
}

/**
 * The gated resources a plan gives on one platform (none when the plan is not offered there). A
 * workspace licence (kind `workspace`) is not among them: it is an entitlement planning reads, with
 * nothing to grant or revoke (core/planning/filters.ts).
 */
export function planResources(plan: Plan, platform: PlatformName): AccessResource[] {
  if (!offersOn(plan, platform)) return [];
  return plan.access.filter((r) => r.platform === platform && r.kind !== 'workspace');
}

/**
 * Every resource some plan gates, by resource key. Access is managed only there: a chat no plan
 * names any more is left alone rather than emptied.
 */
export function managedResources(plans: PlansConfig, platforms: readonly PlatformName[]): Map<string, AccessResource> {
  const out = new Map<string, AccessResource>();
  for (const plan of plans.plans) {
    for (const platform of platforms) {
      for (const resource of planResources(plan, platform)) out.set(resourceKey(resource), resource);
    }
  }
  return out;
}

/**
 * What an account should hold now: for each identity, every resource its entitled plan gives on
 * that identity's platform. A lapsed account has the free plan's resources (usually none).
 */
export function desiredAccess(
  account: { accountId: string; identities: readonly IdentityRef[] },
  entitlement: Pick<Entitlement, 'plan' | 'reason'>,
): DesiredGrant[] {
  const out: DesiredGrant[] = [];
  const seen = new Set<string>();
  for (const identity of account.identities) {
    for (const resource of planResources(entitlement.plan, identity.platform)) {
      const key = resourceKey(resource);
      const unique = `${identity.platform}|${identity.platformUserId}|${key}`;
      if (seen.has(unique)) continue;
      seen.add(unique);
      out.push({
        holder: { accountId: account.accountId, platform: identity.platform, platformUserId: identity.platformUserId },
        resource,
        resourceKey: key,
        planId: entitlement.plan.id,
        reason: entitlement.reason,
      });
    }
  }
  return out;
}
