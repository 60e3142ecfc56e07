// Inbound access events, platform-neutral: answer join requests by entitlement, track memberships, retire used invite links.
import { entitlementOf } from '../entitlement';
import type { InboundEvent } from '../inbound/types';
import type { PlatformName } from '../types';
import { desiredAccess, managedResources } from './desired';
import { applyOutcome, callGate, gatesByPlatform } from './gates';
import { trackTenantMember } from './tenant-members';
import { intrusionReason, recordIntrusion, removeIntruder, someoneElsesLink } from './intrusion';
import { resourceKey, type AccessOutcome, type AccessPerson } from './ports';
import type { AccessReconcilerDeps } from './reconciler';

export type AccessEvent = Extract<InboundEvent, { type: 'join_request' | 'membership' | 'tenant_member' | 'tenant_roles' }>;

export function isAccessEvent(event: InboundEvent): event is AccessEvent {
  return event.type === 'join_request' || event.type === 'membership' || event.type === 'tenant_member' || event.type === 'tenant_roles';
}

/** What the reconciler needs, and a way to queue the account's access job. */
export interface AccessEventDeps extends AccessReconcilerDeps {
  /**
   * Queues an access job for the account (the durable, retried reconcile). Called when a used
   * link's revoke fails, so the job withdraws it with backoff until the platform confirms.
   */
  enqueue?: ((accountId: string, trigger: string, actor: string) => unknown) | undefined;
  /** Access jobs waiting for the platform to change (a role above the bot's) try again: a tenant's roles changed. */
  wakeParked?: (() => unknown) | undefined;
}

/**
 * Handles one access event. A join request is approved when the person's account is entitled to
 * that resource and, when it came through a personal invite link, the link is theirs; it is
 * declined otherwise (both audited, someone else's link as an intrusion too); a join request for a
 * chat no plan gates is left to the chat's admins. A membership change is tracked, and when someone
 * comes in, their unused personal invite links for it are marked 'used' and revoked, so that a link
 * admits one person once (after a ban and unban, Telegram would let a member_limit link admit
 * again); when that revoke fails, the account's access job (`enqueue`) retries it. Someone who
 * came in with another person's link is removed (see removeIntruder).
 * A person joining, changing roles in or leaving a tenant is tracked (trackTenantMember); a change
 * of the tenant's roles wakes the access jobs waiting for one (wakeParked).
 * Returns the gate's outcome for a join request, null otherwise.
 */
export async function handleAccessEvent(event: AccessEvent, deps: AccessEventDeps): Promise<AccessOutcome | null> {
  switch (event.type) {
    case 'join_request':
      return answerJoinRequest(event, deps);
    case 'membership':
      return trackMembership(event, deps);
    case 'tenant_member':
      await trackTenantMember(event, deps);
      return null;
    case 'tenant_roles':
      deps.wakeParked?.();
      return null;
  }
}

async function answerJoinRequest(event: Extract<AccessEvent, { type: 'join_request' }>, deps: AccessEventDeps): Promise<AccessOutcome | null> {
  const { platform, platformUserId } = event.actor;
  const key = resourceKey(event.resource);
  const gate = gatesByPlatform(deps.gates).get(platform);
  if (!gate || !managedResources(deps.plans, [platform]).has(key)) return null;
  await deps.store.setMembership({ platform, resourceKey: key, platformUserId, state: 'requested' });

  const account = await deps.store.findAccessAccount(platform, platformUserId);
  const entitlement = account ? entitlementOf(deps.plans, account.subscriptions, deps.clock.now()) : null;
  const entitled = account && entitlement
    ? desiredAccess(account, entitlement).some((g) => g.resourceKey === key && g.holder.platform === platform && g.holder.platformUserId === platformUserId)
    : false;
  const person: AccessPerson = { accountId: account?.accountId ?? null, platform, platformUserId };
  const planId = entitlement?.plan.id ?? null;
  const ids = { accountId: person.accountId, platformUserId, resource: key };
  // A personal link is for the person it was made for: a forwarded one admits nobody else.
  const othersLink = await someoneElsesLink(deps, person, event.inviteLink);

  if (entitled && account && entitlement && !othersLink) {
    const holder = { ...person, accountId: account.accountId };
    const reason = `entitled (${entitlement.reason}, plan ${entitlement.plan.id})`;
    const outcome = await callGate(
      () => (gate.approveJoinRequest ? gate.approveJoinRequest(holder, event.resource, reason) : gate.grant(holder, event.resource, reason)),
      deps.logger, ids,
    );
    await applyOutcome(deps, { kind: 'approve', person, resourceKey: key, reason, planId, outcome, trigger: 'join_request', actor: 'system' });
    return outcome;
  }
  const reason = othersLink ? intrusionReason(othersLink) : entitlement ? `not entitled (${entitlement.reason}, plan ${entitlement.plan.id})` : 'no account';
  const outcome = await callGate(
    () => (gate.declineJoinRequest ? gate.declineJoinRequest(person, event.resource, reason) : Promise.resolve<AccessOutcome>({ result: 'noop', detail: 'this platform has no join requests' })),
    deps.logger, ids,
  );
  await applyOutcome(deps, { kind: 'decline', person, resourceKey: key, reason, planId, outcome, trigger: 'join_request', actor: 'system' });
  if (othersLink) recordIntrusion(deps.audit, { kind: 'declined', intruder: person, owner: othersLink, resourceKey: key, outcome });
  return outcome;
}

async function trackMembership(event: Extract<AccessEvent, { type: 'membership' }>, deps: AccessEventDeps): Promise<null> {
  const { platform, platformUserId } = event.actor;
  const key = resourceKey(event.resource);
  const othersLink = event.state === 'member' ? await someoneElsesLink(deps, event.actor, event.inviteLink) : null;
  if (othersLink && managedResources(deps.plans, [platform]).has(key)) {
    const account = await deps.store.findAccessAccount(platform, platformUserId);
    await removeIntruder({ accountId: account?.accountId ?? null, platform, platformUserId }, event.resource, othersLink, deps);
    return null;
  }
  await deps.store.setMembership({ platform, resourceKey: key, platformUserId, state: event.state });
  if (event.state !== 'member') return null;

  const gate = gatesByPlatform(deps.gates).get(platform);
  const links = await deps.store.listActiveInviteLinks({ now: deps.clock.now(), platform, platformUserId, resourceKey: key });
  let failed = 0;
  for (const { link } of links) {
    await deps.store.setInviteLinkState(link, 'used');
    const revoke = gate?.revokeInviteLink?.bind(gate);
    if (!revoke) continue;
    const outcome = await callGate(() => revoke(event.resource, link), deps.logger, { platformUserId, resource: key });
    if (outcome.result !== 'failed') continue;
    failed += 1;
    deps.logger?.warn({ platformUserId, resource: key, detail: outcome.detail }, 'could not revoke a used invite link; its account\'s access job retries it');
  }
  if (failed > 0) await retryLinkRevokes(platform, platformUserId, deps);
  return null;
}

/** Queues the person's account's access job: the reconciler withdraws used links not confirmed revoked (revoke_link), retried with backoff. */
async function retryLinkRevokes(platform: PlatformName, platformUserId: string, deps: AccessEventDeps): Promise<void> {
  if (!deps.enqueue) return;
  const account = await deps.store.findAccessAccount(platform, platformUserId);
  // No account: the next full reconcile (which takes strangers too) withdraws it.
  if (!account) return;
  try {
    deps.enqueue(account.accountId, 'link_revoke_failed', 'system');
  } catch (err) {
    deps.logger?.error({ err, accountId: account.accountId }, 'could not queue the access job that retries a used invite link\'s revoke');
  }
}

/** The handler the bots call for access events (join requests, memberships, tenant members and roles; ignores every other kind). */
export function createAccessEventHandler(deps: AccessEventDeps): (event: InboundEvent) => Promise<AccessOutcome | null> {
  return async (event) => (isAccessEvent(event) ? handleAccessEvent(event, deps) : null);
}
