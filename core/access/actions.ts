// The reconciler's plan, a pure function: desired access beside tracked memberships and invite links, turned into actions.
import type { Entitlement } from '../entitlement';
import type { PlatformName } from '../types';
import { desiredAccess, type DesiredGrant } from './desired';
import type { AccessPerson, AccessResource, StrangerHandling } from './ports';
import type { AccessAccount, InviteLinkRecord, MembershipRecord } from './store';

/**
 * grant: hand out access (a personal invite link, a role); approve: let a pending join request in;
 * revoke: remove the person and their links; decline: turn a pending join request away;
 * revoke_link: withdraw one used invite link the platform has not confirmed revoked (the person's
 * membership is left as it is).
 */
export type AccessActionKind = 'grant' | 'approve' | 'revoke' | 'decline' | 'revoke_link';

/** One thing the reconciler will do (or, in a dry run, would do). */
export interface AccessAction {
  kind: AccessActionKind;
  person: AccessPerson;
  resource: AccessResource;
  resourceKey: string;
  /** Why, for people: e.g. "entitled (active, plan vip)", "not entitled (grace_ended, plan free)", "no account". */
  reason: string;
  /** The plan that applies to the person's account; null for strangers. */
  planId: string | null;
  /** revoke_link only: the id of the link to withdraw (the id, never the URL: the URL is a key to the chat). */
  inviteLinkId?: string;
  /** revoke only: the person holds it without having been given it by us (a role given by hand). */
  unmanaged?: boolean;
}

/** Someone holding a managed resource without entitlement and not through us (given by hand), left alone and reported. */
export interface UnmanagedHolder {
  person: AccessPerson;
  resource: AccessResource;
  resourceKey: string;
  /** e.g. "not entitled (canceled, plan free)", "no account". */
  reason: string;
  planId: string | null;
}

export interface AccessPlanInput {
  /** The accounts in scope, each with its entitlement now. */
  accounts: readonly { account: AccessAccount; entitlement: Pick<Entitlement, 'plan' | 'reason'> }[];
  /** Tracked rows in scope (only 'member' and 'requested' matter). */
  memberships: readonly MembershipRecord[];
  /** Links still usable now, in scope. */
  activeLinks: readonly InviteLinkRecord[];
  /**
   * Links not yet confirmed revoked on the platform (active or used, whatever their expiry), in
   * scope: someone not entitled who holds one is revoked until the platform confirms. Default: activeLinks.
   */
  liveLinks?: readonly InviteLinkRecord[] | undefined;
  /** Resources some plan gates (see managedResources); others are left alone. */
  managed: ReadonlyMap<string, AccessResource>;
  /** Platforms with a gate; access elsewhere cannot be acted on. */
  platforms: readonly PlatformName[];
  /** Also act on tracked people who belong to no account in scope (a full run); false for one account. */
  includeStrangers: boolean;
  /** What each platform's gate does with holders not given it by us ('held'); default 'remove'. */
  strangers?: ((platform: PlatformName) => StrangerHandling) | undefined;
}

export interface AccessPlan {
  actions: AccessAction[];
  /** Desired access already on its way: an unused, unexpired invite link exists, so no new one is made. */
  waiting: DesiredGrant[];
  /** Entitled people who already hold it, not through us ('held'): tracked as members from now on, no platform call. */
  adopt: DesiredGrant[];
  /** Holders not given it by us and not entitled, on a platform that only reports them. */
  unmanaged: UnmanagedHolder[];
}

const personKey = (platform: string, userId: string, resource: string) => `${platform}|${userId}|${resource}`;

/**
 * Compares what should be with what is tracked, and lists the actions that close the gap. A holder
 * not given it by us ('held') is adopted when entitled, and otherwise removed or only reported, as
 * the platform's gate says (`strangers`).
 */
export function planAccessActions(input: AccessPlanInput): AccessPlan {
  const gated = new Set<string>(input.platforms);
  const actions: AccessAction[] = [];
  const waiting: DesiredGrant[] = [];
  const adopt: DesiredGrant[] = [];
  const unmanaged: UnmanagedHolder[] = [];

  const membership = new Map<string, MembershipRecord>();
  for (const m of input.memberships) membership.set(personKey(m.platform, m.platformUserId, m.resourceKey), m);
  const linked = new Set(input.activeLinks.map((l) => personKey(l.platform, l.platformUserId, l.resourceKey)));

  // Who belongs to which account in scope, and what each account should hold.
  const owner = new Map<string, { accountId: string; entitlement: Pick<Entitlement, 'plan' | 'reason'> }>();
  const desired = new Map<string, DesiredGrant>();
  for (const { account, entitlement } of input.accounts) {
    for (const id of account.identities) owner.set(`${id.platform}|${id.platformUserId}`, { accountId: account.accountId, entitlement });
    for (const grant of desiredAccess(account, entitlement)) {
      if (!gated.has(grant.holder.platform)) continue;
      desired.set(personKey(grant.holder.platform, grant.holder.platformUserId, grant.resourceKey), grant);
    }
  }

  for (const [key, grant] of desired) {
    const state = membership.get(key)?.state;
    if (state === 'member') continue;
    if (state === 'held') {
      adopt.push(grant);
      continue;
    }
    const base = { person: grant.holder, resource: grant.resource, resourceKey: grant.resourceKey, planId: grant.planId, reason: `entitled (${grant.reason}, plan ${grant.planId})` };
    if (state === 'requested') actions.push({ kind: 'approve', ...base });
    else if (linked.has(key)) waiting.push(grant);
    else actions.push({ kind: 'grant', ...base });
  }

  // Everyone tracked as in (or on the way in) who should not be.
  const candidates = new Map<string, { platform: PlatformName; platformUserId: string; resourceKey: string; requested: boolean; held: boolean }>();
  for (const m of input.memberships) {
    if (m.state !== 'member' && m.state !== 'held' && m.state !== 'requested') continue;
    candidates.set(personKey(m.platform, m.platformUserId, m.resourceKey), { platform: m.platform, platformUserId: m.platformUserId, resourceKey: m.resourceKey, requested: m.state === 'requested', held: m.state === 'held' });
  }
  for (const l of input.liveLinks ?? input.activeLinks) {
    const key = personKey(l.platform, l.platformUserId, l.resourceKey);
    if (!candidates.has(key)) candidates.set(key, { platform: l.platform, platformUserId: l.platformUserId, resourceKey: l.resourceKey, requested: false, held: false });
  }
  for (const [key, c] of candidates) {
    if (desired.has(key) || !gated.has(c.platform)) continue;
    const resource = input.managed.get(c.resourceKey);
    if (!resource) continue;
    const who = owner.get(`${c.platform}|${c.platformUserId}`);
    if (!who && !input.includeStrangers) continue;
    const person: AccessPerson = { accountId: who?.accountId ?? null, platform: c.platform, platformUserId: c.platformUserId };
    const reason = who ? notEntitledReason(who.entitlement) : 'no account';
    const planId = who?.entitlement.plan.id ?? null;
    if (c.held) {
      // Given by hand, not by us: removed only where the platform's gate says so; otherwise reported.
      if ((input.strangers?.(c.platform) ?? 'remove') === 'report') unmanaged.push({ person, resource, resourceKey: c.resourceKey, reason, planId });
      else actions.push({ kind: 'revoke', person, resource, resourceKey: c.resourceKey, reason: `${reason}; given by hand`, planId, unmanaged: true });
      continue;
    }
    actions.push({ kind: c.requested ? 'decline' : 'revoke', person, resource, resourceKey: c.resourceKey, reason, planId });
  }

  // Used links still live on the platform (their revoke at the join failed), of anyone not being
  // revoked above (a revoke withdraws every link of theirs): withdrawn one by one until confirmed.
  const revoking = new Set(actions.filter((a) => a.kind === 'revoke').map((a) => personKey(a.person.platform, a.person.platformUserId, a.resourceKey)));
  for (const l of input.liveLinks ?? []) {
    const key = personKey(l.platform, l.platformUserId, l.resourceKey);
    if (l.state !== 'used' || revoking.has(key) || !gated.has(l.platform)) continue;
    const resource = input.managed.get(l.resourceKey);
    if (!resource) continue;
    const who = owner.get(`${l.platform}|${l.platformUserId}`);
    if (!who && !input.includeStrangers) continue;
    const person: AccessPerson = { accountId: who?.accountId ?? null, platform: l.platform, platformUserId: l.platformUserId };
    actions.push({ kind: 'revoke_link', person, resource, resourceKey: l.resourceKey, reason: 'used invite link not confirmed revoked', planId: who?.entitlement.plan.id ?? null, inviteLinkId: l.id });
  }
  return { actions, waiting, adopt, unmanaged };
}

function notEntitledReason(entitlement: Pick<Entitlement, 'plan' | 'reason'>): string {
  return `not entitled (${entitlement.reason}, plan ${entitlement.plan.id})`;
}
